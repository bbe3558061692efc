using InferenceApi.Trainer.Data;

namespace InferenceApi.Trainer.Tests.Data;

public sealed class LabelledTextReaderTests : IDisposable
{
    private readonly TempDirectory temp = new();

    [Fact]
    public void Read_CsvWithQuotedCommasQuotesAndNewlines_KeepsFieldsWholeAndLinesRight()
    {
        var path = temp.Write("data.csv", "label,text\npos,\"good, really\"\nneg,\"he said \"\"dull\"\"\"\npos,\"two\nlines\"\nneg,plain\n");

        var rows = LabelledTextReader.Read(path, TextDataFormat.Csv, new TextColumns());

        Assert.Equal(["good, really", "he said \"dull\"", "two\nlines", "plain"], rows.Select(r => r.Text));
        Assert.Equal(["pos", "neg", "pos", "neg"], rows.Select(r => r.Label));
        Assert.Equal([2, 3, 4, 6], rows.Select(r => r.Line));
    }

    [Fact]
    public void Read_TsvWithAQuote_TakesItAsText()
    {
        var path = temp.Write("data.tsv", "text\tlabel\nit 's \"fine\t1\nok\t0\n");

        var rows = LabelledTextReader.Read(path, TextDataFormat.Tsv, new TextColumns());

        Assert.Equal(["it 's \"fine", "ok"], rows.Select(r => r.Text));
        Assert.Equal(["1", "0"], rows.Select(r => r.Label));
    }

    [Fact]
    public void Read_JsonlWithIntegerLabelsAndOtherFieldNames_ReadsThem()
    {
        var path = temp.Write("data.jsonl", "{\"review\": \"good\", \"stars\": 5}\n\n{\"review\": \"bad\", \"stars\": \"1\"}\n");

        var rows = LabelledTextReader.Read(path, TextDataFormat.Jsonl, new TextColumns("review", "stars"));

        Assert.Equal([("good", "5", 1), ("bad", "1", 3)], rows.Select(r => (r.Text, r.Label, r.Line)));
    }

    [Theory]
    [InlineData("data.csv", "text,label\ngood,\n", ":2: the label is empty")]
    [InlineData("data.csv", "text,label\ngood,pos\nbad\n", ":3: expected 2 fields, got 1")]
    [InlineData("data.csv", "", ": the file is empty")]
    [InlineData("data.csv", "text,label\n", ": no examples")]
    [InlineData("data.jsonl", "{\"text\": \"a\", \"label\": 1}\n[1]\n", ":2: expected a JSON object")]
    [InlineData("data.jsonl", "{\"text\": \"a\", \"label\": true}\n", ":1: \"label\" must be a string or an integer")]
    [InlineData("data.jsonl", "{\"text\": \"a\",\n", ":1: not valid JSON")]
    public void Read_BadData_SaysWhereAndWhat(string name, string contents, string expected)
    {
        var path = temp.Write(name, contents);

        var error = Assert.Throws<InvalidDataException>(() =>
            LabelledTextReader.Read(path, TextDataFormats.Resolve(path, null), new TextColumns()));

        Assert.StartsWith(path + expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_Sst2Train_HasItsHeaderAndAllRows()
    {
        var rows = LabelledTextReader.Read(Path.Combine(TestPaths.DataDirectory, "sst2", "train.tsv"), TextDataFormat.Tsv, new TextColumns());

        Assert.Equal(67_349, rows.Count);
        Assert.Equal(new LabelledText("hide new secretions from the parental units ", "0", 2), rows[0]);
    }

    public void Dispose() => temp.Dispose();
}
