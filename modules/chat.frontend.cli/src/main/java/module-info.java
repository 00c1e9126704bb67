/**
 * The {@code cli} frontend, the default of {@code chat client}: an interactive terminal
 * chat with line editing, completion, input history and a status line, where messages
 * arriving while you type appear above the line you are typing. Without a terminal (a
 * pipe, a script) it reads one command per line and prints one event per line.
 */
module chat.frontend.cli {
    requires chat.client;
    requires org.jline.reader;
    requires org.jline.terminal;

    provides chat.client.spi.Frontend with chat.frontend.cli.CliFrontend;
}
