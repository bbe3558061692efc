using System.Globalization;
using System.Text.Json.Nodes;

namespace InferenceApi.Trainer.Export;

/// <summary>Hugging Face's <c>id2label</c> ("0" → name) and <c>label2id</c> (name → 0) for config.json.</summary>
public static class LabelMaps
{
    public static (JsonObject Id2Label, JsonObject Label2Id) Create(IReadOnlyList<string> labels)
    {
        var id2label = new JsonObject();
        var label2id = new JsonObject();
        for (var i = 0; i < labels.Count; i++)
        {
            id2label[i.ToString(CultureInfo.InvariantCulture)] = labels[i];
            label2id[labels[i]] = i;
        }

        return (id2label, label2id);
    }
}
