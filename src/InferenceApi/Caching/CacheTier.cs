namespace InferenceApi.Caching;

/// <summary>Which tier of the result cache answered a lookup.</summary>
public enum CacheTier
{
    /// <summary>Nothing answered: the lookup was a miss.</summary>
    None = 0,

    /// <summary>The in-process memory tier of this replica.</summary>
    Memory,

    /// <summary>The shared Redis tier; the value has been copied into memory as well.</summary>
    Redis,
}
