using InferenceApi.Core.Tokenization;

namespace InferenceApi.Core.Models;

/// <summary>A runtime whose model reads text, so the tokenize endpoints can use its tokenizer.</summary>
public interface ITextModelRuntime : IModelRuntime
{
    ITextTokenizer Tokenizer { get; }
}
