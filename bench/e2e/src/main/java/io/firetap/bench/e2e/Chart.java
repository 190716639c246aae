package io.firetap.bench.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One SVG with two panels — post-runtime hold vs lines per invocation, throughput vs line size
 * beside the raw limit — drawn by hand, no charting library.
 */
final class Chart {
    private static final int W = 900;
    private static final int H = 380;

    private Chart() {
    }

    @SuppressWarnings("unchecked")
    static String svg(Map<String, Object> r) {
        Map<String, Object> hold = (Map<String, Object>) r.get("hold");
        Map<String, Object> throughput = (Map<String, Object>) r.get("throughput");
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n", W, H));

        // left: hold p50 / p99 as grouped bars per lines-per-invocation
        List<String> labels = new ArrayList<>();
        List<double[]> holdBars = new ArrayList<>();
        for (Object o : hold.values()) {
            Map<String, Object> row = (Map<String, Object>) o;
            labels.add(String.format(Locale.ROOT, "%,d lines", ((Number) row.get("linesPerInvocation")).intValue()));
            holdBars.add(new double[] {((Number) row.get("p50Ms")).doubleValue(), ((Number) row.get("p99Ms")).doubleValue()});
        }
        panel(s, 40, "post-runtime hold (ms) vs lines per invocation", labels, holdBars,
                new String[] {"p50", "p99"}, new String[] {"#4e79a7", "#f28e2b"}, "%.1f");

        // right: MB/s firetap vs raw per line size
        labels = new ArrayList<>();
        List<double[]> tpBars = new ArrayList<>();
        for (Object o : throughput.values()) {
            Map<String, Object> row = (Map<String, Object>) o;
            labels.add(row.get("lineBytes") + " B lines");
            double firetap = ((Number) ((Map<String, Object>) row.get("firetapMBPerSecond")).get("median")).doubleValue();
            double raw = ((Number) ((Map<String, Object>) row.get("rawMBPerSecond")).get("median")).doubleValue();
            tpBars.add(new double[] {firetap, raw});
        }
        panel(s, 480, "throughput (MB/s) vs line size", labels, tpBars,
                new String[] {"firetap", "raw limit"}, new String[] {"#59a14f", "#bab0ac"}, "%.0f");
        s.append("</svg>\n");
        return s.toString();
    }

    private static void panel(StringBuilder s, int x0, String title, List<String> labels, List<double[]> bars,
            String[] series, String[] colours, String valueFormat) {
        int top = 50;
        int bottom = H - 50;
        int width = 380;
        double max = bars.stream().flatMapToDouble(java.util.Arrays::stream).max().orElse(1);
        max = max <= 0 ? 1 : max * 1.15;
        s.append(text(x0 + width / 2, 24, title, "middle", 14));
        s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>\n",
                x0, bottom, x0 + width, bottom));
        int groups = bars.size();
        double groupWidth = (double) width / groups;
        double barWidth = groupWidth * 0.8 / series.length;
        for (int g = 0; g < groups; g++) {
            double gx = x0 + g * groupWidth + groupWidth * 0.1;
            for (int k = 0; k < series.length; k++) {
                double v = bars.get(g)[k];
                double h = (bottom - top) * v / max;
                double x = gx + k * barWidth;
                s.append(String.format(Locale.ROOT,
                        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>\n",
                        x, bottom - h, barWidth - 2, h, colours[k]));
                s.append(text((int) (x + barWidth / 2), (int) (bottom - h - 4), String.format(Locale.ROOT, valueFormat, v),
                        "middle", 10));
            }
            s.append(text((int) (gx + groupWidth * 0.4), bottom + 18, labels.get(g), "middle", 12));
        }
        for (int k = 0; k < series.length; k++) {
            int lx = x0 + k * 110;
            s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>\n",
                    lx, H - 22, colours[k]));
            s.append(text(lx + 16, H - 12, series[k], "start", 12));
        }
    }

    private static String text(int x, int y, String t, String anchor, int size) {
        return String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"%s\" font-size=\"%d\">%s</text>\n",
                x, y, anchor, size, t.replace("&", "&amp;").replace("<", "&lt;"));
    }
}
