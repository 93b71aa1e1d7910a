package dev.ringswitch.metrics.internal.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One scrape of {@code /metrics} over HTTP, as Prometheus does it.
 *
 * @param status the HTTP status
 * @param contentType the Content-Type header
 * @param body the exposition text
 */
public record Scrape(int status, String contentType, String body) {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * @param host the address
     * @param port the port
     * @return the scrape
     * @throws IOException if the endpoint cannot be reached
     * @throws InterruptedException if interrupted
     */
    public static Scrape of(String host, int port) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + "/metrics"))
                .timeout(Duration.ofSeconds(10)).GET().build();
        HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return new Scrape(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
    }

    /**
     * @return every sample, keyed as written before its value, e.g. {@code ringswitch_port_rx_packets_total{port="a",}}
     */
    public Map<String, Double> samples() {
        Map<String, Double> out = new LinkedHashMap<>();
        body.lines().filter(l -> !l.startsWith("#") && !l.isBlank()).forEach(l -> {
            int space = l.lastIndexOf(' ');
            out.put(l.substring(0, space), Double.parseDouble(l.substring(space + 1)));
        });
        return out;
    }
}
