/**
 * The {@code web} frontend, a plugin: the chat in a page of the user's own browser, served
 * on 127.0.0.1 by the local client, which keeps the keys and does all decryption. Not
 * linked into the image; dropped into its {@code plugins/} folder. See docs/web.md.
 */
module chat.frontend.web {
    requires chat.client;
    requires com.fasterxml.jackson.databind; // the page's JSON, records in and out
    requires jdk.httpserver; // HTTP on loopback, one virtual thread per exchange

    opens chat.frontend.web.internal.api to com.fasterxml.jackson.databind; // the records it reads and writes

    provides chat.client.spi.Frontend with chat.frontend.web.WebFrontend;
}
