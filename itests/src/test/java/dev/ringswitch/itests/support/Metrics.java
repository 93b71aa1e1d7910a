package dev.ringswitch.itests.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One scrape of the appliance's Prometheus endpoint, as samples keyed by name and labels, e.g.
 * {@code ringswitch_port_rx_drops_total{port="tap0",reason="malformed"}}. A sample the scrape does not hold reads as
 * zero, which is what a counter that never moved looks like.
 *
 * @param samples every sample of the scrape, keyed as above (labels in exposition order, no trailing comma)
 */
public record Metrics(Map<String, Double> samples) {

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?\\s+(\\S+)$");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * Points an instance's endpoint at a free port; call before {@link KarafInstance#start()}.
     *
     * @param karaf the prepared instance
     * @return the port
     * @throws IOException if the configuration cannot be written
     */
    public static int usePrivatePort(KarafInstance karaf) throws IOException {
        int port = KarafInstance.freePort();
        Path cfg = karaf.home().resolve("etc/ringswitch.metrics.cfg");
        String text = Files.readString(cfg).replaceAll("(?m)^port\\s*=.*$", "port = " + port);
        Files.writeString(cfg, text);
        return port;
    }

    /**
     * Scrapes {@code http://127.0.0.1:PORT/metrics}.
     *
     * @param port the endpoint's port
     * @return the samples
     * @throws Exception if the endpoint does not answer 200
     */
    public static Metrics scrape(int port) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/metrics")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new AssertionError("metrics endpoint answered " + response.statusCode());
        }
        Map<String, Double> samples = new LinkedHashMap<>();
        for (String line : response.body().split("\n")) {
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line.strip());
            if (m.matches()) {
                String labels = m.group(3) == null ? "" : m.group(3).replaceAll(",$", "");
                samples.put(m.group(1) + (labels.isEmpty() ? "" : "{" + labels + "}"), Double.parseDouble(m.group(4)));
            }
        }
        return new Metrics(samples);
    }

    /**
     * @param name the metric name
     * @param labels label names and values, alternating, in exposition order
     * @return the sample, 0 if absent
     */
    public long get(String name, String... labels) {
        return Math.round(samples.getOrDefault(key(name, labels), 0.0));
    }

    /** @return frames read from the port */
    public long rx(String port) {
        return get("ringswitch_port_rx_packets_total", "port", port);
    }

    /** @return frames written to the port */
    public long tx(String port) {
        return get("ringswitch_port_tx_packets_total", "port", port);
    }

    /**
     * @param port a port
     * @return its rx drops by reason label, reasons without drops left out
     */
    public Map<String, Long> rxDrops(String port) {
        return byReason("ringswitch_port_rx_drops_total", port);
    }

    /**
     * @param port a port
     * @return its tx drops by reason label, reasons without drops left out
     */
    public Map<String, Long> txDrops(String port) {
        return byReason("ringswitch_port_tx_drops_total", port);
    }

    private Map<String, Long> byReason(String name, String port) {
        Map<String, Long> out = new TreeMap<>();
        String prefix = name + "{port=\"" + port + "\",reason=\"";
        samples.forEach((key, value) -> {
            if (key.startsWith(prefix) && value != 0) {
                out.put(key.substring(prefix.length(), key.length() - 2), Math.round(value));
            }
        });
        return out;
    }

    /**
     * @param earlier an earlier scrape
     * @return this scrape's samples minus the earlier one's (samples only in the earlier scrape are left out)
     */
    public Metrics since(Metrics earlier) {
        Map<String, Double> out = new LinkedHashMap<>();
        samples.forEach((key, value) -> out.put(key, value - earlier.samples.getOrDefault(key, 0.0)));
        return new Metrics(out);
    }

    private static String key(String name, String... labels) {
        if (labels.length == 0) {
            return name;
        }
        StringBuilder sb = new StringBuilder(name).append('{');
        for (int i = 0; i < labels.length; i += 2) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(labels[i]).append("=\"").append(labels[i + 1]).append('"');
        }
        return sb.append('}').toString();
    }
}
