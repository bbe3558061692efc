namespace InferenceApi.Onnx;

/// <summary>
/// The largest size runs needed lately: the most observed in the current window of <c>window</c> observations and in
/// the one before it. A buffer sized by it survives a short stretch of small runs (every generation starts with short
/// sequences) and still gives memory back once large runs have been absent for one to two windows.
/// </summary>
internal sealed class RecentPeak(int window)
{
    private int _current;
    private int _previous;
    private int _observed;

    public int Value => Math.Max(_current, _previous);

    public void Observe(int size)
    {
        _current = Math.Max(_current, size);
        if (++_observed == window)
        {
            (_previous, _current, _observed) = (_current, 0, 0);
        }
    }
}
