package dev.ix.transport;

import dev.ix.transport.uring.LibC;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.MessageSizeEstimator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.ServerSocketChannelConfig;
import io.netty.util.NetUtil;

import java.util.Map;

import static io.netty.channel.ChannelOption.SO_BACKLOG;
import static io.netty.channel.ChannelOption.SO_RCVBUF;
import static io.netty.channel.ChannelOption.SO_REUSEADDR;

/**
 * Options of an {@link IxServerSocketChannel}: {@code SO_BACKLOG} (default: the system's {@code somaxconn}),
 * {@code SO_REUSEADDR} (on by default, as in Netty's native transports), {@code SO_RCVBUF} and
 * {@link IxChannelOption#SO_REUSEPORT}.
 */
public final class IxServerSocketChannelConfig extends DefaultChannelConfig implements ServerSocketChannelConfig {
    private final IxServerSocketChannel channel;
    private final IxSocket socket;
    private volatile int backlog = NetUtil.SOMAXCONN;

    IxServerSocketChannelConfig(IxServerSocketChannel channel, IxSocket socket) {
        super(channel);
        this.channel = channel;
        this.socket = socket;
        setReuseAddress(true);
    }

    @Override
    public Map<ChannelOption<?>, Object> getOptions() {
        return getOptions(super.getOptions(), SO_RCVBUF, SO_REUSEADDR, SO_BACKLOG, IxChannelOption.SO_REUSEPORT);
    }

    @SuppressWarnings("unchecked")
    @Override
    public <T> T getOption(ChannelOption<T> option) {
        if (option == SO_RCVBUF) {
            return (T) Integer.valueOf(getReceiveBufferSize());
        }
        if (option == SO_REUSEADDR) {
            return (T) Boolean.valueOf(isReuseAddress());
        }
        if (option == SO_BACKLOG) {
            return (T) Integer.valueOf(getBacklog());
        }
        if (option == IxChannelOption.SO_REUSEPORT) {
            return (T) Boolean.valueOf(isReusePort());
        }
        return super.getOption(option);
    }

    @Override
    public <T> boolean setOption(ChannelOption<T> option, T value) {
        validate(option, value);
        if (option == SO_RCVBUF) {
            setReceiveBufferSize((Integer) value);
        } else if (option == SO_REUSEADDR) {
            setReuseAddress((Boolean) value);
        } else if (option == SO_BACKLOG) {
            setBacklog((Integer) value);
        } else if (option == IxChannelOption.SO_REUSEPORT) {
            setReusePort((Boolean) value);
        } else {
            return super.setOption(option, value);
        }
        return true;
    }

    @Override
    protected void autoReadCleared() {
        channel.autoReadCleared();
    }

    @Override
    public int getBacklog() {
        return backlog;
    }

    @Override
    public IxServerSocketChannelConfig setBacklog(int backlog) {
        if (backlog < 0) {
            throw new IllegalArgumentException("backlog: " + backlog + " (expected: >= 0)");
        }
        this.backlog = backlog;
        return this;
    }

    @Override
    public boolean isReuseAddress() {
        return socket.getInt(LibC.SOL_SOCKET, LibC.SO_REUSEADDR, "SO_REUSEADDR") != 0;
    }

    @Override
    public IxServerSocketChannelConfig setReuseAddress(boolean reuseAddress) {
        socket.setInt(LibC.SOL_SOCKET, LibC.SO_REUSEADDR, reuseAddress ? 1 : 0, "SO_REUSEADDR");
        return this;
    }

    /** @return whether {@code SO_REUSEPORT} is set */
    public boolean isReusePort() {
        return socket.getInt(LibC.SOL_SOCKET, LibC.SO_REUSEPORT, "SO_REUSEPORT") != 0;
    }

    /** Sets {@code SO_REUSEPORT}; must be set before bind. */
    public IxServerSocketChannelConfig setReusePort(boolean reusePort) {
        socket.setInt(LibC.SOL_SOCKET, LibC.SO_REUSEPORT, reusePort ? 1 : 0, "SO_REUSEPORT");
        return this;
    }

    @Override
    public int getReceiveBufferSize() {
        return socket.getInt(LibC.SOL_SOCKET, LibC.SO_RCVBUF, "SO_RCVBUF");
    }

    @Override
    public IxServerSocketChannelConfig setReceiveBufferSize(int receiveBufferSize) {
        socket.setInt(LibC.SOL_SOCKET, LibC.SO_RCVBUF, receiveBufferSize, "SO_RCVBUF");
        return this;
    }

    @Override
    public IxServerSocketChannelConfig setPerformancePreferences(int connectionTime, int latency, int bandwidth) {
        return this;
    }

    @Override
    public IxServerSocketChannelConfig setConnectTimeoutMillis(int connectTimeoutMillis) {
        super.setConnectTimeoutMillis(connectTimeoutMillis);
        return this;
    }

    @Override
    @Deprecated
    public IxServerSocketChannelConfig setMaxMessagesPerRead(int maxMessagesPerRead) {
        super.setMaxMessagesPerRead(maxMessagesPerRead);
        return this;
    }

    @Override
    public IxServerSocketChannelConfig setWriteSpinCount(int writeSpinCount) {
        super.setWriteSpinCount(writeSpinCount);
        return this;
    }

    @Override
    public IxServerSocketChannelConfig setAllocator(ByteBufAllocator allocator) {
        super.setAllocator(allocator);
        return this;
    }

    @Override
    public IxServerSocketChannelConfig setRecvByteBufAllocator(RecvByteBufAllocator allocator) {
        super.setRecvByteBufAllocator(allocator);
        return this;
    }

    @Override
    public IxServerSocketChannelConfig setAutoRead(boolean autoRead) {
        super.setAutoRead(autoRead);
        return this;
    }

    @Override
    public IxServerSocketChannelConfig setAutoClose(boolean autoClose) {
        super.setAutoClose(autoClose);
        return this;
    }

    @Override
    @Deprecated
    public IxServerSocketChannelConfig setWriteBufferHighWaterMark(int writeBufferHighWaterMark) {
        super.setWriteBufferHighWaterMark(writeBufferHighWaterMark);
        return this;
    }

    @Override
    @Deprecated
    public IxServerSocketChannelConfig setWriteBufferLowWaterMark(int writeBufferLowWaterMark) {
        super.setWriteBufferLowWaterMark(writeBufferLowWaterMark);
        return this;
    }

    @Override
    public IxServerSocketChannelConfig setWriteBufferWaterMark(WriteBufferWaterMark writeBufferWaterMark) {
        super.setWriteBufferWaterMark(writeBufferWaterMark);
        return this;
    }

    @Override
    public IxServerSocketChannelConfig setMessageSizeEstimator(MessageSizeEstimator estimator) {
        super.setMessageSizeEstimator(estimator);
        return this;
    }
}
