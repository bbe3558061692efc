using System.Globalization;
using System.Text;
using InferenceApi.Core.Errors;

namespace InferenceApi.Errors;

/// <summary>
/// The IETF rate-limit header fields as draft-ietf-httpapi-ratelimit-headers-10 defines them (the syntax is the same from
/// -08 to -11): <c>RateLimit-Policy: "requests";q=600;w=60</c>, a Structured Fields list of the caller's quota policies,
/// and <c>RateLimit: "requests";r=599;t=42</c>, what is left of one of them and the seconds until its window ends. Token
/// quotas say <c>qu="tokens"</c>: the draft's registry has only request and byte units, and a client that does not know
/// the unit is told by the draft to ignore the field.
/// </summary>
public static class RateLimitFields
{
    public const string PolicyHeader = "RateLimit-Policy";
    public const string StateHeader = "RateLimit";

    /// <summary>Writes <paramref name="policies"/> to <c>RateLimit-Policy</c> and, when known, <paramref name="state"/> to <c>RateLimit</c>.</summary>
    public static void Write(IHeaderDictionary headers, IReadOnlyList<QuotaState> policies, QuotaState? state)
    {
        if (policies.Count > 0)
        {
            headers[PolicyHeader] = Policy(policies);
        }

        if (state is not null)
        {
            headers[StateHeader] = State(state);
        }
    }

    public static string Policy(IReadOnlyList<QuotaState> policies)
    {
        var text = new StringBuilder();
        foreach (var policy in policies)
        {
            if (text.Length > 0)
            {
                text.Append(", ");
            }

            text.Append(CultureInfo.InvariantCulture, $"\"{policy.Policy}\";q={policy.Quota}");
            if (policy.Unit is { } unit)
            {
                text.Append(CultureInfo.InvariantCulture, $";qu=\"{unit}\"");
            }

            text.Append(CultureInfo.InvariantCulture, $";w={Seconds(policy.Window)}");
        }

        return text.ToString();
    }

    public static string State(QuotaState state) =>
        string.Create(CultureInfo.InvariantCulture, $"\"{state.Policy}\";r={Math.Max(0, state.Remaining)};t={Seconds(state.Reset)}");

    /// <summary>Whole seconds, rounded up: the draft has no fractions, and a client told 0 would come back too early.</summary>
    private static long Seconds(TimeSpan time) => Math.Max(0, (long)Math.Ceiling(time.TotalSeconds));
}
