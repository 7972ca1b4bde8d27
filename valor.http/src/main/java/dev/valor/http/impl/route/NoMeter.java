package dev.valor.http.impl.route;

import dev.valor.api.metrics.PluginMeter;

/** The meter of every route while metrics are off: records nothing. */
final class NoMeter implements PluginMeter {

    static final PluginMeter INSTANCE = new NoMeter();

    private NoMeter() {}

    @Override
    public void entered() {}

    @Override
    public void left() {}

    @Override
    public void answered(int status, long nanos) {}

    @Override
    public void deadlineCut() {}

    @Override
    public void memoryCut() {}

    @Override
    public void failed() {}

    @Override
    public void deployed(boolean replaced) {}

    @Override
    public void deployFailed() {}
}
