using InferenceApi.Core.Tokenization;
using InferenceApi.Trainer.Models;
using static TorchSharp.torch;

namespace InferenceApi.Trainer.Tasks;

/// <summary>
/// A decoder (<see cref="TinyGpt"/> or <see cref="TinyLlama"/>) and the byte-level BPE it reads (<c>vocab.json</c> + <c>merges.txt</c> in
/// <see cref="TokenizerDirectory"/>). A tokenizer learned for this run lives in a temporary folder this object
/// owns until the checkpoint and the export have copied it.
/// </summary>
public sealed class TextGenerator(CausalDecoder model, Gpt2Tokenizer tokenizer, string tokenizerDirectory, bool ownsTokenizerDirectory) : ITaskModel
{
    public CausalDecoder Model { get; } = model;

    public Gpt2Tokenizer Tokenizer { get; } = tokenizer;

    public string TokenizerDirectory { get; } = tokenizerDirectory;

    /// <summary>The optimizer steps the run plans (epochs × batches, or <c>--max-steps</c>): the length of the learning-rate schedule.</summary>
    public int PlannedSteps { get; set; } = 1;

    public int EndOfTextId => Tokenizer.EosTokenId ?? throw new InvalidDataException("the tokenizer has no end-of-text token");

    public nn.Module Module => Model;

    public void Dispose()
    {
        Model.Dispose();
        if (ownsTokenizerDirectory && Directory.Exists(TokenizerDirectory))
        {
            Directory.Delete(TokenizerDirectory, recursive: true);
        }
    }
}

/// <summary>trainer.json's "model" for text generation: <see cref="Architecture"/> for a GPT, <see cref="Llama"/> for a Llama-style decoder.</summary>
public sealed record TextGeneratorManifest(GptOptions? Architecture, Gpt2Manifest Tokenizer)
{
    public LlamaOptions? Llama { get; init; }
}

/// <summary>The byte-level BPE files in the checkpoint folder.</summary>
public sealed record Gpt2Manifest(string Vocabulary, string Merges);
