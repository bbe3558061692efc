namespace InferenceApi.Caching;

/// <summary>
/// The answer of <see cref="IResultCache.GetAsync"/>: hit or miss, the tier that answered and the
/// cached bytes. The bytes are shared with the cache and must not be modified.
/// </summary>
public readonly record struct CacheLookup
{
    private CacheLookup(CacheTier tier, ReadOnlyMemory<byte> value)
    {
        Tier = tier;
        Value = value;
    }

    /// <summary>A lookup that found nothing.</summary>
    public static CacheLookup Miss => default;

    /// <summary>Which tier answered; <see cref="CacheTier.None"/> for a miss.</summary>
    public CacheTier Tier { get; }

    /// <summary>The cached bytes; empty for a miss.</summary>
    public ReadOnlyMemory<byte> Value { get; }

    /// <summary>Whether a tier held the key.</summary>
    public bool IsHit => Tier != CacheTier.None;

    /// <summary>A lookup answered by <paramref name="tier"/>.</summary>
    public static CacheLookup Hit(CacheTier tier, ReadOnlyMemory<byte> value)
    {
        if (tier == CacheTier.None)
        {
            throw new ArgumentOutOfRangeException(nameof(tier), tier, "A hit comes from Memory or Redis.");
        }

        return new CacheLookup(tier, value);
    }
}
