package dev.ix.reactor;

import io.netty.channel.ChannelOption;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/** The channel options an immutable server or client spec carries, and how they reach a Netty bootstrap. */
final class ChannelOptions {
    private ChannelOptions() {
    }

    /**
     * @param value the option's value; null removes it
     * @return an unmodifiable copy of {@code options} with {@code option} set to {@code value}
     */
    static <T> Map<ChannelOption<?>, Object> with(Map<ChannelOption<?>, Object> options, ChannelOption<T> option,
                                                  T value) {
        Map<ChannelOption<?>, Object> copy = new LinkedHashMap<>(options);
        if (value == null) {
            copy.remove(option);
        } else {
            copy.put(option, value);
        }
        return Map.copyOf(copy);
    }

    /**
     * Hands every option to {@code set}, e.g. {@code bootstrap::option} or {@code serverBootstrap::childOption}.
     */
    static void applyTo(Map<ChannelOption<?>, Object> options, BiConsumer<ChannelOption<Object>, Object> set) {
        for (Map.Entry<ChannelOption<?>, Object> e : options.entrySet()) {
            // Each value was stored with its own option's type (with() above): the cast only forgets that pairing.
            @SuppressWarnings("unchecked")
            ChannelOption<Object> option = (ChannelOption<Object>) e.getKey();
            set.accept(option, e.getValue());
        }
    }
}
