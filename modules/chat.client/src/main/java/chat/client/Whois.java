package chat.client;

import java.time.Instant;

/**
 * What the directory this device holds says about a user: their key's fingerprint, the
 * directory version (and its time) in which that key entered, whether the key is revoked,
 * and whether you marked it verified (compared the fingerprint with them, out of band).
 *
 * @param fingerprint    the six groups of five digits to compare aloud
 * @param since          the directory version in which this key entered
 * @param sinceAt        when the admin signed that version
 * @param revokedIn      the version that revoked the key, or null while it is valid
 * @param revokedAt      when that version was signed, or null
 * @param verified       you recorded that you compared this very key (a changed key is unverified)
 * @param keyChanges     how many times the name had another key before this one
 * @param directoryVersion the newest directory version this device holds
 */
public record Whois(String user, String fingerprint, long since, Instant sinceAt, Long revokedIn, Instant revokedAt,
                    boolean verified, int keyChanges, long directoryVersion) {

    public boolean revoked() {
        return revokedIn != null;
    }
}
