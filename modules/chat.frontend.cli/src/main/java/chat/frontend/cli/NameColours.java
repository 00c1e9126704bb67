package chat.frontend.cli;

import org.jline.utils.AttributedStyle;

/**
 * A stable colour per user name: the same name has the same colour in every run, on every
 * machine, so people are recognised at a glance. Red is kept for alarms and refusals.
 */
final class NameColours {

    /** Readable on dark and light backgrounds alike; no red, no black, no white. */
    private static final int[] PALETTE = {
        AttributedStyle.GREEN, AttributedStyle.CYAN, AttributedStyle.MAGENTA, AttributedStyle.YELLOW,
        AttributedStyle.BLUE | AttributedStyle.BRIGHT, AttributedStyle.GREEN | AttributedStyle.BRIGHT,
        AttributedStyle.CYAN | AttributedStyle.BRIGHT, AttributedStyle.MAGENTA | AttributedStyle.BRIGHT,
    };

    private NameColours() {
    }

    /** The palette index of {@code name}: FNV-1a, so it does not depend on String.hashCode's weak mixing. */
    static int index(String name) {
        int h = 0x811c9dc5;
        for (int i = 0; i < name.length(); i++) {
            h ^= name.charAt(i);
            h *= 0x01000193;
        }
        return Math.floorMod(h ^ (h >>> 16), PALETTE.length);
    }

    /** The colour number (0-15) of {@code name}. */
    static int colour(String name) {
        return PALETTE[index(name)];
    }

    static AttributedStyle of(String name) {
        return AttributedStyle.DEFAULT.foreground(colour(name));
    }
}
