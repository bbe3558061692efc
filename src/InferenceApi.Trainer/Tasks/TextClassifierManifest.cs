using InferenceApi.Trainer.Data;
using InferenceApi.Trainer.Models;

namespace InferenceApi.Trainer.Tasks;

/// <summary>trainer.json's "model" for text classification.</summary>
/// <param name="Columns">The columns the training data used; <c>eval</c> reads the same unless told otherwise.</param>
public sealed record TextClassifierManifest(BertOptions Architecture, IReadOnlyList<string> Labels, WordPieceManifest Tokenizer, TextColumns Columns);
