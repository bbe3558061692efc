using System.Threading.RateLimiting;
using InferenceApi.Core.Errors;

namespace InferenceApi.Access;

/// <summary>
/// A <see cref="RateLimitLease"/> of a <see cref="KeyQuotaLimiter"/>: granted or not, with the quota's state
/// (<see cref="StateMetadata"/>) and, when refused, <see cref="MetadataName.RetryAfter"/>. Units a granted lease did not
/// use go back with <see cref="Return"/> (a token reservation's unused part); disposing it gives nothing back, as with
/// any fixed-window limiter.
/// </summary>
public sealed class QuotaLease : RateLimitLease
{
    /// <summary>The quota's <see cref="QuotaState"/> after this acquisition.</summary>
    public static readonly MetadataName<QuotaState> StateMetadata = MetadataName.Create<QuotaState>("QUOTA_STATE");

    /// <summary>Set (true) on a refusal that no wait can turn into a grant: more units than the quota holds.</summary>
    public static readonly MetadataName<bool> OverQuotaMetadata = MetadataName.Create<bool>("OVER_QUOTA");

    private static readonly string[] GrantedNames = [StateMetadata.Name];
    private static readonly string[] RefusedNames = [StateMetadata.Name, MetadataName.RetryAfter.Name, OverQuotaMetadata.Name];

    private readonly QuotaCounter? _counter;
    private readonly string _name;
    private readonly QuotaWindow _taken;

    internal QuotaLease(QuotaState state, QuotaWindow taken, QuotaCounter? counter, string name, bool overQuota = false)
    {
        State = state;
        IsAcquired = taken.Taken;
        OverQuota = overQuota;
        _taken = taken;
        _counter = counter;
        _name = name;
    }

    public override bool IsAcquired { get; }

    public QuotaState State { get; }

    public bool OverQuota { get; }

    public override IEnumerable<string> MetadataNames => IsAcquired ? GrantedNames : RefusedNames;

    /// <summary>Gives <paramref name="units"/> of a granted lease back to the window it was taken from.</summary>
    public void Return(long units) => _counter?.Return(_name, _taken, units);

    public override bool TryGetMetadata(string metadataName, out object? metadata)
    {
        metadata = metadataName switch
        {
            _ when metadataName == StateMetadata.Name => State,
            _ when metadataName == MetadataName.RetryAfter.Name && !IsAcquired => State.Reset,
            _ when metadataName == OverQuotaMetadata.Name && !IsAcquired => OverQuota,
            _ => null,
        };
        return metadata is not null;
    }
}
