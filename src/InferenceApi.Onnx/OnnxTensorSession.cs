using System.Runtime.InteropServices;
using System.Text;
using InferenceApi.Core.Backends;
using Microsoft.ML.OnnxRuntime;

namespace InferenceApi.Onnx;

/// <summary>
/// Any graph, fed raw tensors: numeric inputs are wrapped over the caller's memory where it is a managed array (pinned
/// for the run, no copy), strings are set element by element; outputs are copied out as raw little-endian bytes.
/// </summary>
internal sealed class OnnxTensorSession(InferenceSession session, string placement) : ITensorSession
{
    private readonly RunOptions _runOptions = new();

    public string Placement { get; } = placement;

    public IReadOnlyList<TensorValue> Run(IReadOnlyList<string> inputNames, IReadOnlyList<TensorValue> inputs, IReadOnlyList<string> outputNames)
    {
        var values = new List<OrtValue>(inputs.Count);
        var pins = new List<GCHandle>(inputs.Count);
        try
        {
            foreach (var input in inputs)
            {
                values.Add(Wrap(input, pins));
            }

            using var outputs = session.Run(_runOptions, inputNames, values, outputNames);
            var results = new TensorValue[outputs.Count];
            for (var i = 0; i < results.Length; i++)
            {
                results[i] = Read(outputs[i]);
            }

            return results;
        }
        catch (OnnxRuntimeException exception)
        {
            throw new BackendException(exception.Message, exception);
        }
        finally
        {
            foreach (var value in values)
            {
                value.Dispose();
            }

            foreach (var pin in pins)
            {
                pin.Free();
            }
        }
    }

    public void Dispose()
    {
        _runOptions.Dispose();
        session.Dispose();
    }

    private static OrtValue Wrap(TensorValue tensor, List<GCHandle> pins)
    {
        if (tensor.Element == TensorElement.String)
        {
            var strings = OrtValue.CreateTensorWithEmptyStrings(OrtAllocator.DefaultInstance, tensor.Shape);
            for (var i = 0; i < tensor.Strings!.Count; i++)
            {
                strings.StringTensorSetElementAt(tensor.Strings[i].Span, i);
            }

            return strings;
        }

        var type = OrtElements.ToOrt(tensor.Element);
        if (MemoryMarshal.TryGetArray(tensor.Data, out var segment) && segment.Array is { } array)
        {
            var pin = GCHandle.Alloc(array, GCHandleType.Pinned);
            pins.Add(pin);
            return OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, type, tensor.Shape, pin.AddrOfPinnedObject() + segment.Offset, segment.Count);
        }

        var owned = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, type, tensor.Shape);
        tensor.Data.Span.CopyTo(owned.GetTensorMutableRawData());
        return owned;
    }

    private static TensorValue Read(OrtValue value)
    {
        var info = value.GetTensorTypeAndShape();
        var element = OrtElements.ToCore(info.ElementDataType);
        if (element == TensorElement.Other)
        {
            throw new BackendException($"the graph returned a tensor of type {info.ElementDataType}, which the v2 protocol cannot carry");
        }

        if (element == TensorElement.String)
        {
            var strings = value.GetStringTensorAsArray().Select(s => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(s)).ToArray();
            return new TensorValue(element, info.Shape, ReadOnlyMemory<byte>.Empty, strings);
        }

        return new TensorValue(element, info.Shape, value.GetTensorMutableRawData().ToArray());
    }
}
