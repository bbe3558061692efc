using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Microsoft.ML.OnnxRuntime;

namespace InferenceApi.Onnx;

/// <summary>
/// Names the shared library that keeps ONNX Runtime's CUDA provider from loading. ONNX Runtime's own exception
/// only says "Failed to load shared library"; the dynamic loader's message says which CUDA or cuDNN library is
/// missing (libcublasLt.so.13, libcudnn.so.9…), which is what an operator has to install.
/// </summary>
internal static partial class CudaLibraryProbe
{
    private const string ProviderLibrary = "libonnxruntime_providers_cuda.so";

    /// <summary>The first missing library the loader reports, or null when the provider library loads (or is absent).</summary>
    public static string? MissingLibrary()
    {
        try
        {
            // Probed the way ONNX Runtime's own P/Invokes are: beside the assembly and in the deps.json native folders.
            NativeLibrary.Free(NativeLibrary.Load(ProviderLibrary, typeof(InferenceSession).Assembly, null));
            return null;
        }
        catch (DllNotFoundException exception)
        {
            return CannotOpen().Matches(exception.Message)
                .Select(match => match.Groups["library"].Value)
                .FirstOrDefault(library => !library.EndsWith(ProviderLibrary, StringComparison.Ordinal));
        }
    }

    [GeneratedRegex(@"(?<library>[^\s:/]+\.so[.\d]*): cannot open shared object file")]
    private static partial Regex CannotOpen();
}
