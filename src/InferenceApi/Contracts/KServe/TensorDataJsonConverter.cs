using System.Text.Json;
using System.Text.Json.Serialization;
using InferenceApi.Core.Backends;
using InferenceApi.Serving.KServe;

namespace InferenceApi.Contracts.KServe;

/// <summary>Writes a tensor's elements as the protocol's flat <c>data</c> array; responses only, requests are read by <see cref="KServeTensorJson"/>.</summary>
public sealed class TensorDataJsonConverter : JsonConverter<TensorValue>
{
    public override TensorValue Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("Tensor data is read by KServeRequestValidator, not bound.");

    public override void Write(Utf8JsonWriter writer, TensorValue value, JsonSerializerOptions options) => KServeTensorJson.Write(writer, value);
}
