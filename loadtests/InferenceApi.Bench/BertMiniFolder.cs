using System.Globalization;
using InferenceApi.Trainer.Export;
using InferenceApi.Trainer.Models;
using static TorchSharp.torch;

namespace InferenceApi.Bench;

/// <summary>
/// The classify scenario's model: a random-weight BERT-mini (<see cref="RandomBert.Mini"/>: 4 layers, hidden 256,
/// 4 heads, 30,522 tokens) exported by the trainer's own exporter (parity checked) into a temporary text-classification
/// folder the server loads, with a vocabulary of made-up words so that every benchmark text is exactly
/// <see cref="Tokens"/> tokens ([CLS], 62 words, [SEP]): the toy fixture's 7-token inputs hide what real sizes cost.
/// </summary>
internal sealed class BertMiniFolder : IDisposable
{
    /// <summary>Tokens per input, [CLS] and [SEP] included.</summary>
    public const int Tokens = 64;

    private const int Specials = 5;
    private const int ClsId = 2;
    private const int SepId = 3;
    private readonly string _root;

    private BertMiniFolder(string root, string folder, string[] texts, long[][] ids)
    {
        _root = root;
        Folder = folder;
        Texts = texts;
        Ids = ids;
    }

    /// <summary>The model folder (named <c>bert-mini</c>), to copy into a server's models root.</summary>
    public string Folder { get; }

    /// <summary>The request texts, each <see cref="Tokens"/> tokens long.</summary>
    public IReadOnlyList<string> Texts { get; }

    /// <summary>The token ids the server's tokenizer gives each of <see cref="Texts"/>, for the raw baselines.</summary>
    public IReadOnlyList<long[]> Ids { get; }

    public static BertMiniFolder Create(int textCount = 8, int seed = 1)
    {
        var options = RandomBert.Mini;
        var root = Path.Combine(Path.GetTempPath(), "inferenceapi-bench-bert-mini-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        var vocabulary = Path.Combine(root, "vocab.txt");
        File.WriteAllLines(vocabulary, ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", .. Enumerable.Range(0, options.VocabularySize - Specials).Select(Word)]);

        var random = new Random(seed);
        var ids = Enumerable.Range(0, textCount)
            .Select(_ => (long[])[ClsId, .. Enumerable.Range(0, Tokens - 2).Select(_ => (long)(Specials + random.Next(options.VocabularySize - Specials))), SepId])
            .ToArray();
        var texts = ids.Select(sequence => string.Join(' ', sequence[1..^1].Select(id => Word((int)id - Specials)))).ToArray();

        var folder = Path.Combine(root, "bert-mini");
        manual_seed(seed);
        using var model = new TinyBert(options);
        model.eval();
        var samples = ids.Select((sequence, i) => sequence[..(Tokens - i)].Select(id => (int)id).ToArray()).ToArray();
        BertOnnxExporter.Publish(model, folder, vocabulary, samples, padId: 0, labels: ["negative", "positive"]);
        return new BertMiniFolder(root, folder, texts, ids);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static string Word(int index) => "w" + index.ToString(CultureInfo.InvariantCulture);
}
