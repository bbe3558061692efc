using InferenceApi.Core.Tokenization;
using InferenceApi.Trainer.Data;
using InferenceApi.Trainer.Models;
using InferenceApi.Trainer.Tasks;

namespace InferenceApi.Trainer.Tests.Data;

public sealed class WordPieceVocabularyPrunerTests : IDisposable
{
    private static readonly string BertVocabulary = Path.Combine(TestPaths.DataDirectory, "tokenizers", "bert-base-uncased", "vocab.txt");
    private readonly TempDirectory temp = new();

    [Fact]
    public void Prune_RealVocabularyOnSst2Texts_TokenizesThoseTextsToTheSameTokens()
    {
        var full = BertWordPieceTokenizer.Create(BertVocabulary, new BertTokenizerOptions());
        var texts = File.ReadLines(Path.Combine(TestPaths.DataDirectory, "sst2", "train.tsv")).Skip(1).Take(3000).Select(l => l.Split('\t')[0]).ToArray();
        var before = texts.Select(t => full.Encode(t, 128, truncate: true).Ids).ToArray();

        var kept = WordPieceVocabularyPruner.Prune(full.Tokens, before);
        var pruned = BertWordPieceTokenizer.Create(Write(kept), new BertTokenizerOptions());

        Assert.InRange(kept.Count, 1000, full.VocabularySize / 2);
        Assert.DoesNotContain(kept, t => t.StartsWith("[unused", StringComparison.Ordinal));
        Assert.All(new[] { "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a", "##a", "z", "##z", "7" }, t => Assert.Contains(t, kept));
        for (var i = 0; i < texts.Length; i++)
        {
            var after = pruned.Encode(texts[i], 128, truncate: true).Ids;
            Assert.Equal(before[i].Select(id => full.Tokens[id]), after.Select(id => pruned.Tokens[id]));
        }
    }

    [Fact]
    public void Prune_AWordTheDataNeverHad_SplitsIntoKeptPiecesInsteadOfUnknown()
    {
        var full = BertWordPieceTokenizer.Create(BertVocabulary, new BertTokenizerOptions());
        var kept = WordPieceVocabularyPruner.Prune(full.Tokens, [full.Encode("a fine film", 16, truncate: true).Ids]);
        var pruned = BertWordPieceTokenizer.Create(Write(kept), new BertTokenizerOptions());

        var ids = pruned.Encode("magnificent", 16, truncate: true).Ids;

        Assert.Equal(["magnificent"], full.Encode("magnificent", 16, truncate: true).Ids[1..^1].Select(id => full.Tokens[id]));
        Assert.DoesNotContain(pruned.Tokens.ToList().IndexOf("[UNK]"), ids);
        Assert.Equal("magnificent", string.Concat(ids[1..^1].Select(id => pruned.Tokens[id].Replace("##", "", StringComparison.Ordinal))));
    }

    [Fact]
    public void TextClassifier_WithTemporaryVocabulary_DeletesItWhenDisposed()
    {
        var vocabulary = Cli.TinyText.WriteVocabulary(temp.Path);
        var tokenizer = BertWordPieceTokenizer.Create(vocabulary, new BertTokenizerOptions());
        var kept = File.ReadAllText(vocabulary);

        using (new TextClassifier(new TinyBert(new BertOptions { VocabularySize = tokenizer.VocabularySize, HiddenSize = 8, Heads = 2, IntermediateSize = 8 }),
            tokenizer, vocabulary, LabelSet.Parse("a,b"), new TextColumns("text", "label"), temporaryVocabulary: false))
        {
        }

        Assert.Equal(kept, File.ReadAllText(vocabulary));
        using (new TextClassifier(new TinyBert(new BertOptions { VocabularySize = tokenizer.VocabularySize, HiddenSize = 8, Heads = 2, IntermediateSize = 8 }),
            tokenizer, vocabulary, LabelSet.Parse("a,b"), new TextColumns("text", "label"), temporaryVocabulary: true))
        {
        }

        Assert.False(File.Exists(vocabulary));
    }

    private string Write(IReadOnlyList<string> tokens)
    {
        var path = Path.Combine(temp.Path, $"vocab-{Guid.NewGuid():N}.txt");
        File.WriteAllLines(path, tokens);
        return path;
    }

    public void Dispose() => temp.Dispose();
}
