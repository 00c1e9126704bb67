/**
 * The {@code json} frontend: one JSON object per line on standard input (commands) and on
 * standard output (events), for bots and scripts. See docs/frontends.md.
 */
module chat.frontend.json {
    requires chat.client;

    provides chat.client.spi.Frontend with chat.frontend.json.JsonFrontend;
}
