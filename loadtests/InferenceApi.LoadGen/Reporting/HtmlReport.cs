using System.Globalization;
using System.Net;
using System.Text;
using InferenceApi.LoadGen.Results;

namespace InferenceApi.LoadGen.Reporting;

/// <summary>report.html: the summary, status and error counts, the plots, and the per-second table, in one static page.</summary>
public static class HtmlReport
{
    public const string FileName = "report.html";

    public static string Write(LoadTestResult result, string folder)
    {
        ArgumentNullException.ThrowIfNull(result);
        var images = Plots.Write(result, folder);
        var s = result.Summary;
        var c = result.Config;
        var h = new StringBuilder();
        h.AppendLine("<!doctype html><html><head><meta charset=\"utf-8\"><title>InferenceApi load test</title>");
        h.AppendLine("<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}th:first-child,td:first-child{text-align:left}</style></head><body>");
        h.AppendLine(Inv($"<h1>{E(c.Scenario)} · {E(c.Mode)} · {E(c.Profile)}</h1>"));
        h.AppendLine(Inv($"<p>{E(c.Url)}, model {E(c.Model ?? "-")}, started {result.StartedAt:u}; warm-up {c.WarmupSeconds:0.#} s excluded ({result.WarmupRequests} requests). Latency is measured from each request's intended send time.</p>"));
        h.AppendLine(Inv($"<p><b>{s.Requests}</b> requests, <b>{s.Errors}</b> errors ({s.ErrorRate:P2}), throughput <b>{s.Throughput:0.0}/s</b>, offered {s.OfferedRate:0.0}/s, over {s.DurationSeconds:0.0} s.</p>"));
        h.AppendLine("<table><tr><th>ms</th><th>count</th><th>mean</th><th>p50</th><th>p90</th><th>p99</th><th>p99.9</th><th>max</th></tr>");
        Row(h, "latency (intended)", s.LatencyMs);
        Row(h, "service time", s.ServiceTimeMs);
        Row(h, "sender lag", s.SenderLagMs);
        Row(h, "server queue (x-queue-time)", s.ServerQueueMs);
        Row(h, "server inference (x-inference-time)", s.ServerInferenceMs);
        Row(h, "time to first token", s.Stream?.TimeToFirstTokenMs);
        Row(h, "inter-token", s.Stream?.InterTokenMs);
        h.AppendLine("</table>");
        if (s.Stream is { } st)
        {
            h.AppendLine(Inv($"<p>{st.Tokens} tokens, {st.TokensPerSecond:0.0} tokens/s overall, {st.MeanTokensPerSecondPerStream:0.0} tokens/s per stream.</p>"));
        }

        h.AppendLine("<h2>Result cache</h2><p>" + E(SummaryTable.CacheSummary(result)) + "</p>");
        h.AppendLine("<h2>Status codes</h2><p>" + string.Join(", ", result.StatusCodes.Select(kv => Inv($"{E(kv.Key)}: {kv.Value}"))) + "</p>");
        if (result.ErrorKinds.Count > 0)
        {
            h.AppendLine("<h2>Errors</h2><p>" + string.Join(", ", result.ErrorKinds.Select(kv => Inv($"{E(kv.Key)}: {kv.Value}"))) + "</p>");
        }

        h.AppendLine("<h2>Over time</h2>");
        foreach (var image in images)
        {
            h.AppendLine(Inv($"<p><img src=\"{image}\" alt=\"{image}\"></p>"));
        }

        h.AppendLine("<h2>Per second</h2><table><tr><th>second</th><th>requests</th><th>errors</th><th>p50</th><th>p90</th><th>p99</th><th>max</th></tr>");
        foreach (var w in result.Windows)
        {
            h.AppendLine(Inv($"<tr><td>{w.Second}</td><td>{w.Requests}</td><td>{w.Errors}</td><td>{w.P50:0.00}</td><td>{w.P90:0.00}</td><td>{w.P99:0.00}</td><td>{w.Max:0.00}</td></tr>"));
        }

        h.AppendLine("</table></body></html>");
        var path = Path.Combine(folder, FileName);
        File.WriteAllText(path, h.ToString());
        return path;
    }

    private static void Row(StringBuilder h, string name, LatencyStats? l)
    {
        if (l is not null)
        {
            h.AppendLine(Inv($"<tr><td>{E(name)}</td><td>{l.Count}</td><td>{l.Mean:0.00}</td><td>{l.P50:0.00}</td><td>{l.P90:0.00}</td><td>{l.P99:0.00}</td><td>{l.P999:0.00}</td><td>{l.Max:0.00}</td></tr>"));
        }
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
