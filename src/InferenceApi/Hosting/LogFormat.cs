namespace InferenceApi.Hosting;

/// <summary>How the console log is written (<see cref="LogOptions.Format"/>).</summary>
public enum LogFormat
{
    /// <summary>Text when stdout is a terminal or the environment is Development, JSON otherwise.</summary>
    Auto,

    /// <summary>One JSON object per line: what log collectors parse.</summary>
    Json,

    /// <summary>One human-readable line per event, with a timestamp and a short level.</summary>
    Text,
}
