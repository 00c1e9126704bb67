package chat.client.internal;

import chat.client.CommandException;
import chat.crypto.MalformedInputException;
import chat.crypto.AgreementPublicKey;
import chat.protocol.ChainHash;
import chat.protocol.ChannelEntry;
import chat.protocol.MemberChange;
import java.util.Map;
import chat.protocol.Entries;
import chat.protocol.Message;
import chat.protocol.MessageCodec;
import chat.protocol.View;
import chat.protocol.identity.Directory;
import chat.protocol.identity.IdentityKeys;
import chat.protocol.identity.Principal;

/** Turns a command into the entry this user signs and sends, in its canonical bytes. */
final class CommandSigner {

    private final IdentityKeys me;
    private final java.util.function.Supplier<Directory> directory;
    private final java.util.function.Supplier<chat.protocol.DirectoryClaim> claim;
    private final MessageCodec codec;

    /** {@code directory}: the newest verified directory; {@code claim}: the version named in every message. */
    CommandSigner(IdentityKeys me, java.util.function.Supplier<Directory> directory,
                  java.util.function.Supplier<chat.protocol.DirectoryClaim> claim, MessageCodec codec) {
        this.claim = claim;
        this.me = me;
        this.directory = directory;
        this.codec = codec;
    }

    /**
     * The signed entry for a command with {@code userSeq}; an invite or send is signed over
     * {@code ledger}'s current head, a create over the channel's genesis head.
     */
    byte[] sign(PendingOp.Kind kind, String channel, String argument, byte[] channelKey, long userSeq,
                ChannelLedger ledger) throws MalformedInputException, CommandException {
        return codec.encode(build(kind, channel, argument, channelKey, userSeq, ledger));
    }

    private ChannelEntry build(PendingOp.Kind kind, String channel, String argument, byte[] channelKey, long userSeq,
                          ChannelLedger ledger) throws MalformedInputException, CommandException {
        String name = me.name();
        return switch (kind) {
            case CREATE -> Entries.addUser(me.signing(), channel, 0, name, name, me.agreement().publicKey(), channelKey,
                    userSeq, new View(0, ChainHash.genesis(channel)));
            case INVITE -> {
                Principal invitee = directory.get().user(argument)
                        .orElseThrow(() -> CommandException.local("no user " + argument));
                yield Entries.addUser(me.signing(), channel, requireLedger(ledger, channel).epoch(), name, argument,
                        invitee.agreementKey(), ledger.key(), userSeq, view(ledger));
            }
            case SEND -> Entries.comms(me.signing(), channel, requireLedger(ledger, channel).epoch(), name, userSeq,
                    view(ledger), ledger.key(), argument, claim.get());
            case LEAVE -> Entries.member(me.signing(), channel, member(ledger, channel).epoch(), name, name,
                    MemberChange.Change.LEAVE, userSeq, view(ledger));
            case REMOVE -> Entries.member(me.signing(), channel, member(ledger, channel).epoch(), name, argument,
                    MemberChange.Change.REMOVE, userSeq, view(ledger));
            case ADMIN -> Entries.member(me.signing(), channel, member(ledger, channel).epoch(), name, argument,
                    MemberChange.Change.ADMIN, userSeq, view(ledger));
            case ROTATE -> {
                Map<String, AgreementPublicKey> members = requireLedger(ledger, channel).memberKeys(directory.get());
                if (members == null) {
                    throw CommandException.local("a member of " + channel + " is no longer in the directory");
                }
                yield Entries.rotate(me.signing(), channel, ledger.epoch() + 1, name, members, channelKey, ledger.key(),
                        userSeq, view(ledger));
            }
        };
    }

    private static ChannelLedger requireLedger(ChannelLedger ledger, String channel) throws CommandException {
        if (ledger == null || ledger.key() == null) {
            throw CommandException.local("you have no usable channel " + channel);
        }
        return ledger;
    }

    private ChannelLedger member(ChannelLedger ledger, String channel) throws CommandException {
        if (ledger == null || !ledger.isMember(me.name())) {
            throw CommandException.local("you are not a member of " + channel);
        }
        return ledger;
    }

    private static View view(ChannelLedger ledger) {
        return new View(ledger.lastSeq(), ledger.head(ledger.lastSeq()));
    }
}
