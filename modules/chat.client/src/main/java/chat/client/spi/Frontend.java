package chat.client.spi;

/**
 * A user interface for chat, found with {@link java.util.ServiceLoader}: in the image, or
 * in a jar dropped into the image's {@code plugins/} folder. {@code chat client
 * --frontend NAME} picks one by {@link #name()}; see docs/frontends.md.
 */
public interface Frontend {

    /** The name users select it by: lowercase letters, digits and '-'. */
    String name();

    /** One line for {@code chat client --help}. */
    String description();

    /**
     * Runs the frontend until the user (or script) is done: it asks for the password
     * (or takes it from the context), logs in with {@link FrontendContext#login}, shows
     * events and passes on commands. Returns the process exit code.
     */
    int run(FrontendContext context) throws Exception;
}
