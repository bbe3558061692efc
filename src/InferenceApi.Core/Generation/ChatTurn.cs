namespace InferenceApi.Core.Generation;

/// <summary>One validated chat message: <see cref="Role"/> is <c>system</c>, <c>user</c> or <c>assistant</c>.</summary>
public sealed record ChatTurn(string Role, string Content);
