package dev.valor.metrics.impl;

import dev.valor.api.VluginProperties;
import dev.valor.api.metrics.InstancePool;
import dev.valor.api.metrics.Meters;
import dev.valor.api.metrics.PluginMeter;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToIntFunction;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * The runtime's meters, kept in a Prometheus registry of their own: every series Valor exposes is
 * defined here (docs/metrics.md lists them). Enabled only while metrics are on.
 */
@Component(
        enabled = false,
        service = {Meters.class, PrometheusMeters.class})
public class PrometheusMeters implements Meters {

    /**
     * Request durations in seconds: the Prometheus client's defaults (5 ms to 10 s) with three
     * below, since most plugin answers take well under a millisecond.
     */
    static final double[] SECONDS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    private final PrometheusRegistry registry = new PrometheusRegistry();

    private final Counter requests = counter(
            "valor_http_requests_total",
            "Requests answered under a plugin's prefix, by status class",
            "plugin",
            "kind",
            "code");
    private final Histogram durations = Histogram.builder()
            .name("valor_http_request_duration_seconds")
            .help("Time from a request's arrival to its answer")
            .unit(Unit.SECONDS)
            .labelNames("plugin", "kind")
            .classicOnly()
            .classicUpperBounds(SECONDS)
            .withoutExemplars()
            .register(registry);
    private final Gauge inFlight = Gauge.builder()
            .name("valor_http_requests_in_flight")
            .help("Requests handed to a plugin and not answered yet")
            .labelNames("plugin", "kind")
            .withoutExemplars()
            .register(registry);
    private final Counter deadlineCuts = counter(
            "valor_plugin_deadline_cuts_total",
            "Calls the runtime cut at their deadline, answered 504",
            "plugin",
            "kind");
    private final Counter memoryCuts = counter(
            "valor_plugin_memory_cuts_total",
            "Calls the runtime cut for allocating more than their memory bound, answered 500",
            "plugin",
            "kind");
    private final Counter errors = counter(
            "valor_plugin_errors_total",
            "Calls a plugin failed (threw, trapped, answered what no plugin may), answered 500",
            "plugin",
            "kind");
    private final Counter deploys = counter(
            "valor_plugin_deploys_total",
            "Versions deployed (result: deployed, swapped for a serving one, or failed)",
            "plugin",
            "kind",
            "result");

    /** A counter of this registry's, without exemplars (no tracer here to take them from). */
    private Counter counter(String name, String help, String... labels) {
        return Counter.builder()
                .name(name)
                .help(help)
                .labelNames(labels)
                .withoutExemplars()
                .register(registry);
    }

    /** The pools of the plugins' versions now, read at each scrape. */
    private final Map<InstancePool, String[]> pools = new ConcurrentHashMap<>();

    private final Map<String, Meter> meters = new ConcurrentHashMap<>();

    public PrometheusMeters() {
        poolGauge(
                "valor_plugin_instances",
                "Instances (wasm instances, JS contexts) a plugin has now",
                InstancePool::instances);
        poolGauge("valor_plugin_instances_busy", "Instances handling a call now", InstancePool::busy);
        JvmMetrics.builder().register(registry);
    }

    private void poolGauge(String name, String help, ToIntFunction<InstancePool> value) {
        GaugeWithCallback.builder()
                .name(name)
                .help(help)
                .labelNames("plugin", "kind")
                .callback(cb -> sums(value).forEach((labels, sum) -> cb.call(sum, labels.get(0), labels.get(1))))
                .register(registry);
    }

    private Map<List<String>, Integer> sums(ToIntFunction<InstancePool> value) {
        Map<List<String>, Integer> sums = new HashMap<>();
        pools.forEach((pool, labels) -> sums.merge(List.of(labels), value.applyAsInt(pool), Integer::sum));
        return sums;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addPool(InstancePool pool, Map<String, Object> props) {
        pools.put(
                pool, new String[] {label(props.get(VluginProperties.NAME)), label(props.get(VluginProperties.TYPE))});
    }

    void removePool(InstancePool pool) {
        pools.remove(pool);
    }

    private static String label(Object value) {
        return value == null ? "" : value.toString();
    }

    @Override
    public PluginMeter plugin(String name, String kind) {
        Meter meter = meters.get(name);
        if (meter == null || !meter.kind.equals(kind)) {
            meter = meters.compute(name, (n, old) -> old != null && old.kind.equals(kind) ? old : new Meter(n, kind));
        }
        return meter;
    }

    /** What the registry holds now. */
    MetricSnapshots scrape() {
        return registry.scrape();
    }

    /** One plugin's series, bound to its labels once: recording is an add, no lookup. */
    private final class Meter implements PluginMeter {
        final String kind;
        /** By status class: [1] 1xx to [5] 5xx; [0] anything else. */
        private final CounterDataPoint[] byClass = new CounterDataPoint[6];

        private final DistributionDataPoint duration;
        private final GaugeDataPoint inside;
        private final CounterDataPoint deadline;
        private final CounterDataPoint memory;
        private final CounterDataPoint failed;
        private final String name;

        Meter(String name, String kind) {
            this.name = name;
            this.kind = kind;
            for (int c = 1; c <= 5; c++) {
                byClass[c] = requests.labelValues(name, kind, c + "xx");
            }
            byClass[0] = byClass[5];
            duration = durations.labelValues(name, kind);
            inside = inFlight.labelValues(name, kind);
            deadline = deadlineCuts.labelValues(name, kind);
            memory = memoryCuts.labelValues(name, kind);
            failed = errors.labelValues(name, kind);
        }

        @Override
        public void entered() {
            inside.inc();
        }

        @Override
        public void answered(int status, long nanos) {
            int c = status / 100;
            byClass[c >= 1 && c <= 5 ? c : 0].inc();
            duration.observe(nanos / 1e9);
        }

        @Override
        public void left() {
            inside.dec();
        }

        @Override
        public void deadlineCut() {
            deadline.inc();
        }

        @Override
        public void memoryCut() {
            memory.inc();
        }

        @Override
        public void failed() {
            failed.inc();
        }

        @Override
        public void deployed(boolean replaced) {
            deploys.labelValues(name, kind, replaced ? "swapped" : "deployed").inc();
        }

        @Override
        public void deployFailed() {
            deploys.labelValues(name, kind, "failed").inc();
        }
    }
}
