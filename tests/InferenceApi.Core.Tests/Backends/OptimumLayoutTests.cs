using InferenceApi.Core.Backends;

namespace InferenceApi.Core.Tests.Backends;

/// <summary>The names are optimum's: spelled out here once more, so a change to the one place that holds them shows.</summary>
public sealed class OptimumLayoutTests
{
    [Fact]
    public void Names_AreOptimumsExportNames()
    {
        Assert.Equal(
            ["input_ids", "attention_mask", "token_type_ids", "position_ids", "use_cache_branch", "pixel_values", "logits", "last_hidden_state"],
            [OptimumLayout.InputIds, OptimumLayout.AttentionMask, OptimumLayout.TokenTypeIds, OptimumLayout.PositionIds, OptimumLayout.UseCacheBranch, OptimumLayout.PixelValues, OptimumLayout.Logits, OptimumLayout.LastHiddenState]);
    }

    [Fact]
    public void CacheNames_TwoLayers_AlternateKeyAndValuePerLayer()
    {
        Assert.Equal(["past_key_values.0.key", "past_key_values.0.value", "past_key_values.1.key", "past_key_values.1.value"], OptimumLayout.PastNames(2));
        Assert.Equal(["present.0.key", "present.0.value", "present.1.key", "present.1.value"], OptimumLayout.PresentNames(2));
    }

    [Fact]
    public void CacheNames_OneLayer_MatchTheSingleNameHelpers()
    {
        Assert.Equal([OptimumLayout.PastKey(0), OptimumLayout.PastValue(0)], OptimumLayout.PastNames(1));
        Assert.Equal([OptimumLayout.PresentKey(0), OptimumLayout.PresentValue(0)], OptimumLayout.PresentNames(1));
        Assert.StartsWith(OptimumLayout.PastPrefix, OptimumLayout.PastValue(7), StringComparison.Ordinal);
    }
}
