namespace InferenceApi.Trainer.Tasks;

/// <summary>The tokenizer a text classifier was trained with: a vocab.txt in the checkpoint folder and its casing.</summary>
public sealed record WordPieceManifest(string Vocabulary, bool DoLowerCase);
