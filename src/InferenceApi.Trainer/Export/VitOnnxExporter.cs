using InferenceApi.Trainer.Data;
using InferenceApi.Trainer.Models;

namespace InferenceApi.Trainer.Export;

public static class VitOnnxExporter
{
    public static double Publish(TinyVit model, string folder, DigitsDataset samples) => throw new NotImplementedException();
}
