package dev.ix.http;

import io.netty.buffer.ByteBuf;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Records a parser's events as strings, the bytes of consecutive {@code onContent} calls joined in one
 * {@code content:...} event, so the record of an input does not depend on how the input was split. Releases every
 * content slice it gets, and checks the event order the {@link RequestParser.Listener} contract promises.
 */
final class RecordingListener implements RequestParser.Listener {
    private final List<String> events = new ArrayList<>();
    private final ByteArrayOutputStream content = new ByteArrayOutputStream();
    private boolean inRequest;
    private boolean failed;
    private int contentCalls;
    /** Pause after each {@code onHead} / {@code onEnd} when set. */
    boolean pauseOnHead;
    boolean pauseOnEnd;

    @Override
    public boolean onHead(RequestHead head) {
        check(!inRequest && !failed, "onHead inside a request or after an error");
        inRequest = true;
        events.add(describe(head));
        return !pauseOnHead;
    }

    @Override
    public void onContent(ByteBuf slice) {
        try {
            check(inRequest && !failed, "onContent outside a request");
            check(slice.isReadable(), "empty content");
            contentCalls++;
            byte[] bytes = new byte[slice.readableBytes()];
            slice.readBytes(bytes);
            content.writeBytes(bytes);
        } finally {
            slice.release();
        }
    }

    @Override
    public boolean onEnd() {
        check(inRequest && !failed, "onEnd outside a request");
        flushContent();
        inRequest = false;
        events.add("end");
        return !pauseOnEnd;
    }

    @Override
    public void onError(int status, String reason) {
        check(!failed, "second onError");
        check(status >= 400 && status <= 599, "status " + status);
        check(reason != null && !reason.isEmpty(), "no reason");
        flushContent();
        failed = true;
        events.add("error " + status);
    }

    /** @return the events so far; a body still being received shows as its bytes so far */
    List<String> events() {
        flushContent();
        return List.copyOf(events);
    }

    /** @return how many {@code onContent} calls were made */
    int contentCalls() {
        return contentCalls;
    }

    /** @return the status of the error, or 0 when there was none */
    int errorStatus() {
        for (String event : events) {
            if (event.startsWith("error ")) {
                return Integer.parseInt(event.substring(6));
            }
        }
        return 0;
    }

    private void flushContent() {
        if (content.size() > 0) {
            events.add("content:" + content.toString(StandardCharsets.ISO_8859_1));
            content.reset();
        }
    }

    /** One line with everything the head says, so two records compare the whole head. */
    static String describe(RequestHead head) {
        StringBuilder s = new StringBuilder("head ").append(head.methodName()).append(' ').append(head.target())
                .append(' ').append(head.version())
                .append(" path=").append(head.path()).append(" query=").append(head.query())
                .append(" length=").append(head.contentLength()).append(" chunked=").append(head.chunked())
                .append(" keepAlive=").append(head.keepAlive()).append(" continue=").append(head.expectContinue());
        for (int i = 0; i < head.headerCount(); i++) {
            s.append(" [").append(head.knownHeader(i)).append(' ').append(head.headerName(i)).append(": ")
                    .append(head.headerValue(i)).append(']');
        }
        return s.toString();
    }

    private static void check(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError("listener contract broken: " + what);
        }
    }
}
