using InferenceApi.Core.Tokenization;
using InferenceApi.Trainer.Data;

namespace InferenceApi.Trainer.Tests.Export;

/// <summary>
/// A byte-level BPE of 320 tokens learned from the first 400 lines of Persuasion, in a temporary folder, and three
/// prompts of different lengths encoded with it: what the decoder export tests feed their tiny models.
/// </summary>
public sealed class ChapterTokenizer : IDisposable
{
    private readonly TempDirectory temp = new();

    public ChapterTokenizer()
    {
        Directory = Path.Combine(temp.Path, "tokenizer");
        Text = TextCorpus.Paragraphs(string.Join('\n', File.ReadLines(Path.Combine(TestPaths.DataDirectory, "austen", "persuasion.txt")).Take(400)));
        ByteLevelBpeTrainer.Train([Text], 320, [Gpt2TokenizerOptions.EndOfText]).Write(Directory);
        Tokenizer = Gpt2Tokenizer.Create(
            Path.Combine(Directory, "vocab.json"), Path.Combine(Directory, "merges.txt"), new Gpt2TokenizerOptions { ModelMaxLength = 48 });
        Texts = ["Sir Walter Elliot, of Kellynch Hall", "She", "the baronetage"];
        Prompts = [.. Texts.Select(t => Tokenizer.Encode(t, 40, truncate: true).Ids)];
    }

    /// <summary>The chapter's paragraphs, as the tokenizer was learned from them.</summary>
    public string Text { get; }

    /// <summary>Holds vocab.json and merges.txt.</summary>
    public string Directory { get; }

    public Gpt2Tokenizer Tokenizer { get; }

    public int EndOfText => Tokenizer.EosTokenId!.Value;

    public string[] Texts { get; }

    public int[][] Prompts { get; }

    /// <summary>A scratch folder that lives as long as this object.</summary>
    public string Scratch(string name) => Path.Combine(temp.Path, name);

    public void Dispose() => temp.Dispose();
}
