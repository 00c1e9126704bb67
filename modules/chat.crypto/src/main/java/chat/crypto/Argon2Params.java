package chat.crypto;

/**
 * Argon2id cost parameters (RFC 9106), stored beside every protected key so they can be
 * raised later without breaking old files. Bounds are enforced because the values come
 * from files: a hostile file must not make us allocate terabytes.
 *
 * @param memoryKiB   memory cost in KiB (8 * parallelism .. 4 GiB)
 * @param iterations  time cost, passes over memory (1 .. 64)
 * @param parallelism lanes (1 .. 16)
 */
public record Argon2Params(int memoryKiB, int iterations, int parallelism) {

    public static final int MAX_MEMORY_KIB = 4 * 1024 * 1024;

    /**
     * Our defaults: 64 MiB, 3 passes, 1 lane, the second recommended option of RFC 9106
     * section 4 (for when 2 GiB is not affordable). On the 2-core build machine one
     * derivation costs about 0.15 s in a warm JVM and 0.25-0.9 s in the fresh JVM a user
     * waits for at login (docs/performance.md).
     */
    public static final Argon2Params DEFAULT = new Argon2Params(64 * 1024, 3, 1);

    public Argon2Params {
        if (parallelism < 1 || parallelism > 16) {
            throw new IllegalArgumentException("argon2 parallelism " + parallelism + " out of range 1..16");
        }
        if (iterations < 1 || iterations > 64) {
            throw new IllegalArgumentException("argon2 iterations " + iterations + " out of range 1..64");
        }
        if (memoryKiB < 8 * parallelism || memoryKiB > MAX_MEMORY_KIB) {
            throw new IllegalArgumentException("argon2 memory " + memoryKiB + " KiB out of range "
                    + 8 * parallelism + ".." + MAX_MEMORY_KIB);
        }
    }
}
