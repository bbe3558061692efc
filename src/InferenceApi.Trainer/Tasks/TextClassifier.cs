using InferenceApi.Core.Tokenization;
using InferenceApi.Trainer.Data;
using InferenceApi.Trainer.Models;
using static TorchSharp.torch;

namespace InferenceApi.Trainer.Tasks;

/// <summary>A <see cref="TinyBert"/>, the WordPiece tokenizer (and vocab.txt) it was trained with, its label names and the data columns it read.</summary>
/// <param name="temporaryVocabulary">The vocab.txt was written for this run (a pruned one) and is deleted with the model, once copied into the checkpoint and export.</param>
public sealed class TextClassifier(
    TinyBert model, BertWordPieceTokenizer tokenizer, string vocabularyPath, LabelSet labels, TextColumns columns, bool temporaryVocabulary = false) : ITaskModel
{
    public TinyBert Model { get; } = model;

    public BertWordPieceTokenizer Tokenizer { get; } = tokenizer;

    public string VocabularyPath { get; } = vocabularyPath;

    public LabelSet Labels { get; } = labels;

    public TextColumns Columns { get; } = columns;

    public nn.Module Module => Model;

    public void Dispose()
    {
        Model.Dispose();
        if (temporaryVocabulary)
        {
            File.Delete(VocabularyPath);
        }
    }
}
