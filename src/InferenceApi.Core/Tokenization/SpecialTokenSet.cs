namespace InferenceApi.Core.Tokenization;

/// <summary>
/// A model's bos, eos, unk and pad tokens (text and id; <c>null</c> where it has none), as chat templates see them
/// (<c>bos_token</c>, <c>eos_token</c>) and generation uses them (stop at <see cref="EosId"/>, pad with <see cref="PadId"/>).
/// </summary>
public sealed record SpecialTokenSet(string? Bos, int? BosId, string? Eos, int? EosId, string? Unk, string? Pad, int PadId);
