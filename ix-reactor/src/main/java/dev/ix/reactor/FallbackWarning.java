package dev.ix.reactor;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Says once, at WARN, that {@code auto} fell back from ix and why; later fallbacks (every server of the JVM selects
 * again) go to DEBUG, so a log shows one line, not one per server. Thread-safe.
 */
final class FallbackWarning {
    private final AtomicBoolean warned = new AtomicBoolean();
    private final Consumer<String> warn;
    private final Consumer<String> debug;

    FallbackWarning(Consumer<String> warn, Consumer<String> debug) {
        this.warn = warn;
        this.debug = debug;
    }

    void report(Throwable ixCause, String fallback) {
        String message = "ix transport unavailable (" + oneLine(ixCause) + "); falling back to " + fallback
                + " (-D" + IxReactorProperties.TRANSPORT_PROP_NAME + "=" + fallback + " chooses it without this"
                + " warning; IxTransport.report() tells what ix needs)";
        (warned.compareAndSet(false, true) ? warn : debug).accept(message);
    }

    static String oneLine(Throwable cause) {
        return cause == null ? "no cause given" : cause.toString().replaceAll("\\s*\\R\\s*", "; ");
    }
}
