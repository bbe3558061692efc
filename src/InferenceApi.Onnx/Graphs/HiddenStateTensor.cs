namespace InferenceApi.Onnx.Graphs;

/// <summary>The encoder's final hidden states [batch, sequence, hidden] in a classifier graph; the width when the head's weights tell it.</summary>
internal readonly record struct HiddenStateTensor(string Name, long? HiddenSize);
