namespace DicomWeb.Dicom.Tests.Serialization;

/// <summary>
/// JSON → data set → JSON and XML → data set → XML are identities on the writers' output for every corpus file
/// (whole files, pixel data included, with binary values over 1 KiB left in the file so that the chunked Base64 path
/// runs), and a data set read back from XML writes the same JSON as the original.
/// </summary>
public sealed class RoundTripTests
{
    public static TheoryData<string> Files => SerializationCorpus.AllFiles;

    [Theory]
    [MemberData(nameof(Files))]
    public void Json_and_xml_round_trip(string relative)
    {
        if (Open(relative) is not { } dataset) return;

        var json = DicomJsonWriter.ToJson(dataset);
        var fromJson = DicomJsonReader.Read(json);
        Assert.Equal(json, DicomJsonWriter.ToJson(fromJson));

        var xml = DicomXmlWriter.ToXml(dataset);
        var fromXml = DicomXmlReader.Read(xml);
        Assert.Equal(xml, DicomXmlWriter.ToXml(fromXml));

        // XML keeps every value's text, so the data set read from it writes the same JSON (the other way round DS and IS
        // text may have been normalized for JSON, e.g. "00500" → 500).
        Assert.Equal(json, DicomJsonWriter.ToJson(fromXml));
    }

    /// <summary>The file's data set, or null for malformed files the parser rejects.</summary>
    private static DicomDataset? Open(string relative)
    {
        var path = TestData.PathOf(relative);
        try
        {
            var file = DicomFile.Open(path, new DicomReaderOptions { BulkDataThreshold = 1024 });
            // A deflated data set cannot be re-read from the file, so its values are loaded.
            return file.TransferSyntax.IsDeflated ? DicomFile.Open(path, new DicomReaderOptions { BulkDataThreshold = long.MaxValue }).Dataset : file.Dataset;
        }
        catch (DicomParseException) when (relative.StartsWith("malformed/", StringComparison.Ordinal))
        {
            return null;
        }
    }
}
