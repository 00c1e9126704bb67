package chat.frontend.web.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class EventFeedTest {

    @Test
    void eachPageGetsEveryEventInOrder() throws Exception {
        EventFeed feed = new EventFeed();
        EventFeed.Subscription a = feed.subscribe();
        EventFeed.Subscription b = feed.subscribe();
        feed.publish("1");
        feed.publish("2");
        assertThat(a.next(0)).hasValue("1");
        assertThat(a.next(0)).hasValue("2");
        assertThat(b.next(0)).hasValue("1");
        assertThat(a.next(0)).isEmpty();
    }

    @Test
    void aPageTooFarBehindIsCutOffAndOthersGoOn() throws Exception {
        EventFeed feed = new EventFeed();
        EventFeed.Subscription slow = feed.subscribe();
        for (int i = 0; i < EventFeed.QUEUE + 5; i++) {
            feed.publish(Integer.toString(i));
        }
        assertThat(slow.next(0)).isNull();
        EventFeed.Subscription fresh = feed.subscribe();
        feed.publish("x");
        assertThat(fresh.next(0)).isEqualTo(Optional.of("x"));
    }

    @Test
    void closingEndsEverySubscription() throws Exception {
        EventFeed feed = new EventFeed();
        EventFeed.Subscription s = feed.subscribe();
        feed.close();
        assertThat(s.next(0)).isNull();
        assertThat(feed.subscribe().next(0)).isNull();
    }
}
