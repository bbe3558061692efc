using InferenceApi.Core.Tokenization;

namespace InferenceApi.Core.Models;

/// <summary>A runtime whose model reads text, so the tokenize endpoints can use its tokenizer.</summary>
public interface ITextModelRuntime : IModelRuntime
{
    /// <summary>Every task whose models read text (the encoders' and the generators').</summary>
    static IReadOnlyList<ModelTask> IModelRuntime.Tasks => [ModelTask.TextClassification, ModelTask.FeatureExtraction, ModelTask.TextGeneration];

    ITextTokenizer Tokenizer { get; }
}
