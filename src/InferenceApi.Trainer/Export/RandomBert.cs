using InferenceApi.Onnx.Proto;
using InferenceApi.Trainer.Models;
using static TorchSharp.torch;

namespace InferenceApi.Trainer.Export;

/// <summary>
/// Untrained BERT-style classifiers at realistic sizes, written by the same graph builder as trained ones
/// (<see cref="BertOnnxGraph"/>): what a benchmark needs to measure ONNX Runtime on real shapes without Python.
/// </summary>
public static class RandomBert
{
    /// <summary>BERT-mini's shape: 4 layers, hidden 256, 4 heads, MLP 1024, bert-base-uncased's 30,522 tokens, 512 positions.</summary>
    public static BertOptions Mini { get; } = new()
    {
        VocabularySize = 30522, MaxPositions = 512, HiddenSize = 256, Layers = 4, Heads = 4, IntermediateSize = 1024, Labels = 2,
    };

    /// <summary>The classifier graph (input_ids, attention_mask → logits) of a model with seeded random weights.</summary>
    public static ModelProto Build(BertOptions options, int seed = 0)
    {
        manual_seed(seed);
        using var model = new TinyBert(options);
        model.eval();
        using (NewDisposeScope())
        {
            return BertOnnxGraph.Build(model);
        }
    }
}
