package dev.ringswitch.datapath.internal;

import dev.ringswitch.api.module.Band;
import dev.ringswitch.datapath.internal.support.TestModule;
import dev.ringswitch.datapath.internal.support.Traffic;
import dev.ringswitch.testkit.FrameBuilder;
import dev.ringswitch.testkit.InMemoryTapPort;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How the worker serves quiet ports: a lone frame costs one read, and the answer its destination gives during the
 * write crosses the switch in the same wakeup (see {@code Worker.serveLone}).
 */
class RequestResponseTest extends SwitchTestBase {

    private static final int EXCHANGES = 200;
    /** Far above {@code Worker.TRAIN_GAP_NANOS}. */
    private static final long PAUSE_NANOS = 1_000_000;

    @Test
    void shouldSwitchTheAnswerToARequestWithoutWaitingOrReadingAnEmptyQueue() {
        fx = new SwitchFixture(SwitchFixture.settings(), 2);
        InMemoryTapPort client = fx.host(0);
        InMemoryTapPort server = fx.host(1);
        server.answerWith(RequestResponseTest::echo);
        long clientReported = client.timesReportedReadable();
        long serverReported = server.timesReportedReadable();
        long clientEmpty = client.emptyReads();
        long serverEmpty = server.emptyReads();

        for (int i = 0; i < EXCHANGES; i++) {
            // Request and response, not a train: the next request comes when the worker has been waiting for a
            // while (a frame the selector reports without waiting is taken as part of a train).
            Traffic.await("the worker waits", client::selectorWaiting, WAIT);
            LockSupport.parkNanos(PAUSE_NANOS);
            byte[] request = request(i);
            assertTrue(client.inject(request), "request " + i + " queued");
            List<byte[]> answer = client.awaitEgress(1, WAIT);
            assertEquals(1, answer.size(), "answer to request " + i);
            assertArrayEquals(echo(request), answer.getFirst(), "answer to request " + i);
        }

        assertEquals(EXCHANGES, client.timesReportedReadable() - clientReported,
                "one wakeup per request: the selector reports the client's port once per request");
        assertEquals(0, server.timesReportedReadable() - serverReported,
                "the server's answers were read right after the write that caused them, not after a wait");
        assertEquals(0, client.emptyReads() - clientEmpty, "reads of the client's port that found nothing");
        assertEquals(0, server.emptyReads() - serverEmpty, "reads of the server's port that found nothing");
        assertEquals(EXCHANGES, fx.datapath.port("rsd1").orElseThrow().counters().rxPackets());
    }

    @Test
    void shouldReadAPortThatKeepsSendingInBurstsAfterItsFirstLoneFrame() throws InterruptedException {
        fx = new SwitchFixture(SwitchFixture.settings(), 2);
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        // Holds the worker inside the first frame (served alone: the port was quiet) until the backlog is queued.
        fx.datapath.addModule(new TestModule("gate", Band.OBSERVER, 0, f -> {
            if (holding.getCount() > 0) {
                holding.countDown();
                awaitQuietly(release);
            }
        }), "test/1");
        InMemoryTapPort sender = fx.host(0);
        InMemoryTapPort receiver = fx.host(1);
        int frames = 4_000;
        assertTrue(sender.inject(request(0)));
        assertTrue(holding.await(WAIT.toSeconds(), TimeUnit.SECONDS), "the worker took the first frame");
        for (int i = 1; i < frames; i++) {
            assertTrue(sender.inject(request(i)), "frame " + i + " queued");
        }
        long before = sender.timesReportedReadable();
        release.countDown();
        assertEquals(frames, receiver.awaitEgress(frames, WAIT).size());
        long wakeups = sender.timesReportedReadable() - before;
        int batch = SwitchFixture.settings().ingressBatch();
        assertTrue(wakeups <= (frames + batch - 1) / batch + 1,
                "a backlog is read in bursts of " + batch + ", not a frame per wakeup: " + wakeups
                        + " wakeups for " + (frames - 1) + " queued frames");
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static byte[] request(int i) {
        return FrameBuilder.ethernet().source("02:00:00:00:00:01").destination("02:00:00:00:00:02")
                .etherType(0x88b5).payload(new byte[] {(byte) (i >>> 24), (byte) (i >>> 16), (byte) (i >>> 8), (byte) i})
                .length(64).build();
    }

    /** The server's host: answers each frame to its sender, as an echo responder would. */
    private static byte[] echo(byte[] frame) {
        byte[] answer = frame.clone();
        System.arraycopy(frame, 0, answer, 6, 6);
        System.arraycopy(frame, 6, answer, 0, 6);
        answer[answer.length - 1] ^= 1;
        return answer;
    }
}
