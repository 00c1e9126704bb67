/**
 * The chat client: login, verification of everything the server delivers, this device's
 * encrypted state, reconnection and the offline queue; and the {@code Frontend} service
 * through which user interfaces plug in.
 */
module chat.client {
    requires transitive chat.protocol; // UserBundle and Directory appear in the API

    exports chat.client;
    exports chat.client.spi;

    uses chat.client.spi.Frontend;
}
