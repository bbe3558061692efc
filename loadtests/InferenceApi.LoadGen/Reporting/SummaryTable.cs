using System.Globalization;
using System.Text;
using InferenceApi.LoadGen.Results;

namespace InferenceApi.LoadGen.Reporting;

/// <summary>The plain-text summary printed on stdout after a run.</summary>
public static class SummaryTable
{
    public static string Render(LoadTestResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var s = result.Summary;
        var c = result.Config;
        var sb = new StringBuilder();
        Line(sb, $"{c.Scenario} {c.Mode} {c.Profile} against {c.Url} (model {c.Model ?? "-"}), warm-up {c.WarmupSeconds:0.#}s excluded ({result.WarmupRequests} requests)");
        Line(sb, $"requests {s.Requests}  ok {s.Successes}  errors {s.Errors} ({s.ErrorRate:P2})  throughput {s.Throughput:0.0}/s  offered {s.OfferedRate:0.0}/s  over {s.DurationSeconds:0.0}s");
        Line(sb, $"{"(ms)",-22}{"count",9}{"mean",10}{"p50",10}{"p90",10}{"p99",10}{"p99.9",10}{"max",10}");
        Row(sb, "latency (intended)", s.LatencyMs);
        Row(sb, "service time", s.ServiceTimeMs);
        Row(sb, "sender lag", s.SenderLagMs);
        Row(sb, "server queue", s.ServerQueueMs);
        Row(sb, "server inference", s.ServerInferenceMs);
        if (s.Stream is { } st)
        {
            Row(sb, "time to first token", st.TimeToFirstTokenMs);
            Row(sb, "inter-token", st.InterTokenMs);
            Line(sb, $"tokens {st.Tokens}  {st.TokensPerSecond:0.0} tokens/s overall  {st.MeanTokensPerSecondPerStream:0.0} tokens/s per stream");
        }

        Line(sb, "status " + string.Join("  ", result.StatusCodes.Select(kv => $"{kv.Key}:{kv.Value}")));
        Line(sb, "cache  " + CacheSummary(result));
        if (result.ErrorKinds.Count > 0)
        {
            Line(sb, "errors " + string.Join("  ", result.ErrorKinds.Select(kv => $"{kv.Key}:{kv.Value}")));
        }

        return sb.ToString();
    }

    /// <summary>How many answers the server's result cache gave: latency figures over cache hits measure the cache, not the model.</summary>
    public static string CacheSummary(LoadTestResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Cache.Values.Sum() == 0)
        {
            return "no X-Cache headers in the answers";
        }

        var hits = result.Cache.GetValueOrDefault("hit");
        var share = hits / (double)Math.Max(1, result.Summary.Requests);
        var advice = result.Config.NoCache ? "requests sent Cache-Control: no-cache" : hits > 0 ? "--no-cache makes the server run the model for each" : "";
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{string.Join("  ", result.Cache.Select(kv => $"{kv.Key}:{kv.Value}"))}  ({share:P1} of answers were cache hits{(advice.Length > 0 ? "; " + advice : "")})");
    }

    private static void Row(StringBuilder sb, string name, LatencyStats? l)
    {
        if (l is null)
        {
            return;
        }

        Line(sb, $"{name,-22}{l.Count,9}{l.Mean,10:0.00}{l.P50,10:0.00}{l.P90,10:0.00}{l.P99,10:0.00}{l.P999,10:0.00}{l.Max,10:0.00}");
    }

    private static void Line(StringBuilder sb, FormattableString text) => sb.AppendLine(text.ToString(CultureInfo.InvariantCulture));

    private static void Line(StringBuilder sb, string text) => sb.AppendLine(text);
}
