namespace InferenceApi.Trainer.Data;

/// <summary>One example as read: the text, the label as written, and where it was (for errors).</summary>
public sealed record LabelledText(string Text, string Label, int Line);
