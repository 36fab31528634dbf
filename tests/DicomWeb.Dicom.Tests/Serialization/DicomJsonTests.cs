using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace DicomWeb.Dicom.Tests.Serialization;

/// <summary>The JSON writer's value rules (PS3.18 F.2) and the reader's handling of good and bad input.</summary>
public sealed class DicomJsonTests
{
    private static readonly DicomTag PrivateTag = new(0x0009, 0x1001);

    private static string Json(DicomDataset dataset, DicomJsonWriterOptions? options = null) => DicomJsonWriter.ToJson(dataset, options);

    private static DicomDataset With(params DicomElement[] elements) => new(elements);

    private static JsonElement Attribute(string json, string key) => JsonDocument.Parse(json).RootElement.GetProperty(key);

    // ---- writer --------------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("1.5", "1.5")]
    [InlineData("+1.5", "1.5")]
    [InlineData(".5", "0.5")]
    [InlineData("-.5", "-0.5")]
    [InlineData("1.", "1")]
    [InlineData("007", "7")]
    [InlineData("-0012.50", "-12.50")]
    [InlineData("1.5E+03", "1.5E+03")]
    [InlineData("1.E3", "1e3")]
    [InlineData(" 12 ", "12")]
    [InlineData("5.000000", "5.000000")]
    public void DS_is_a_number_written_from_its_text(string value, string expected)
    {
        var json = Json(With(new DicomDataElement(DicomTags.SliceThickness, DicomVR.DS, Encoding.ASCII.GetBytes(value))));
        Assert.Equal($"{{\"00180050\":{{\"vr\":\"DS\",\"Value\":[{expected}]}}}}", json);
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("1e999")]
    [InlineData("1,5")]
    [InlineData("abc")]
    [InlineData("1.2.3")]
    public void DS_that_is_not_a_finite_number_is_a_string_with_its_text(string value)
    {
        var json = Json(With(new DicomDataElement(DicomTags.SliceThickness, DicomVR.DS, value)));
        Assert.Equal(value, Attribute(json, "00180050").GetProperty("Value")[0].GetString());
        Assert.Equal(value, DicomJsonReader.Read(json).GetString(DicomTags.SliceThickness));
    }

    [Theory]
    [InlineData("9007199254740992", "9007199254740992")]
    [InlineData("-9007199254740992", "-9007199254740992")]
    [InlineData("+42", "42")]
    [InlineData("9007199254740993", "\"9007199254740993\"")]
    [InlineData("-9007199254740993", "\"-9007199254740993\"")]
    [InlineData("99999999999999999999", "\"99999999999999999999\"")]
    public void IS_beyond_2_pow_53_is_a_string(string value, string expected)
    {
        var json = Json(With(new DicomDataElement(DicomTags.InstanceNumber, DicomVR.IS, value)));
        Assert.Equal($"{{\"00200013\":{{\"vr\":\"IS\",\"Value\":[{expected}]}}}}", json);
    }

    [Fact]
    public void Empty_values_are_null_and_an_empty_element_has_no_Value()
    {
        var json = Json(With(
            new DicomDataElement(DicomTags.ImageType, DicomVR.CS, "ORIGINAL\\\\AXIAL\\"u8.ToArray()),
            new DicomDataElement(DicomTags.PatientAge, DicomVR.AS, "    "u8.ToArray()),
            new DicomDataElement(DicomTags.PatientName, DicomVR.PN, ReadOnlyMemory<byte>.Empty),
            new DicomSequence(DicomTags.ReferencedStudySequence)));
        Assert.Equal(
            "{\"00080008\":{\"vr\":\"CS\",\"Value\":[\"ORIGINAL\",null,\"AXIAL\",null]}," +
            "\"00081110\":{\"vr\":\"SQ\"}," +
            "\"00100010\":{\"vr\":\"PN\"}," +
            "\"00101010\":{\"vr\":\"AS\"}}", json);
    }

    [Fact]
    public void Person_names_are_objects_of_non_empty_groups()
    {
        var json = Json(With(DicomDataElement.FromStrings(DicomTags.PatientName, DicomVR.PN,
            ["Yamada^Tarou=山田^太郎=やまだ^たろう", "Doe^John^^^", "=Ideo", "^^^^", "Smith"])));
        Assert.Equal(
            "{\"00100010\":{\"vr\":\"PN\",\"Value\":[" +
            "{\"Alphabetic\":\"Yamada^Tarou\",\"Ideographic\":\"山田^太郎\",\"Phonetic\":\"やまだ^たろう\"}," +
            "{\"Alphabetic\":\"Doe^John\"},{\"Ideographic\":\"Ideo\"},null,{\"Alphabetic\":\"Smith\"}]}}", json);
        var back = DicomJsonReader.Read(json);
        Assert.Equal("Yamada^Tarou=山田^太郎=やまだ^たろう\\Doe^John\\=Ideo\\\\Smith", back.GetString(DicomTags.PatientName));
    }

    [Fact]
    public void Binary_numbers_tags_and_64_bit_values()
    {
        var big = (1L << 53) + 1;
        var json = Json(With(
            DicomDataElement.FromValues<ushort>(DicomTags.Rows, DicomVR.US, [512, 65535]),
            DicomDataElement.FromValues<short>(DicomTags.SmallestImagePixelValue, DicomVR.SS, [-5]),
            DicomDataElement.FromValues<float>(DicomTags.RecommendedDisplayFrameRateInFloat, DicomVR.FL, [1.024f, float.NaN, float.NegativeInfinity]),
            DicomDataElement.FromValues<double>(new DicomTag(0x0018, 0x9087), DicomVR.FD, [0.1, double.PositiveInfinity]),
            DicomDataElement.FromValues<ushort>(DicomTags.FrameIncrementPointer, DicomVR.AT, [0x0018, 0x1063, 0x0018, 0x1065]),
            DicomDataElement.FromValues<long>(new DicomTag(0x0019, 0x1000), DicomVR.SV, [-big, 1L << 53, -1]),
            DicomDataElement.FromValues<ulong>(new DicomTag(0x0019, 0x1001), DicomVR.UV, [ulong.MaxValue, 7])));
        Assert.Equal(
            "{\"00089459\":{\"vr\":\"FL\",\"Value\":[1.024,\"NaN\",\"-Infinity\"]}," +
            "\"00189087\":{\"vr\":\"FD\",\"Value\":[0.1,\"Infinity\"]}," +
            "\"00191000\":{\"vr\":\"SV\",\"Value\":[\"-9007199254740993\",9007199254740992,-1]}," +
            "\"00191001\":{\"vr\":\"UV\",\"Value\":[\"18446744073709551615\",7]}," +
            "\"00280009\":{\"vr\":\"AT\",\"Value\":[\"00181063\",\"00181065\"]}," +
            "\"00280010\":{\"vr\":\"US\",\"Value\":[512,65535]}," +
            "\"00280106\":{\"vr\":\"SS\",\"Value\":[-5]}}", json);
        var back = DicomJsonReader.Read(json);
        Assert.Equal(json, Json(back));
        Assert.Equal([ulong.MaxValue, 7UL], ((DicomDataElement)back.Get(new DicomTag(0x0019, 0x1001))!).GetValues<ulong>().ToArray());
        Assert.True(float.IsNaN(((DicomDataElement)back.Get(DicomTags.RecommendedDisplayFrameRateInFloat)!).GetValues<float>()[1]));
    }

    [Fact]
    public void Group_lengths_and_file_meta_are_left_out_unless_asked()
    {
        var dataset = With(
            DicomDataElement.FromValues<uint>(new DicomTag(0x0002, 0x0000), DicomVR.UL, [10]),
            new DicomDataElement(DicomTags.TransferSyntaxUID, DicomVR.UI, "1.2.840.10008.1.2.1"),
            DicomDataElement.FromValues<uint>(new DicomTag(0x0010, 0x0000), DicomVR.UL, [10]),
            new DicomDataElement(DicomTags.PatientID, DicomVR.LO, "X"));
        Assert.Equal("{\"00100020\":{\"vr\":\"LO\",\"Value\":[\"X\"]}}", Json(dataset));
        Assert.Equal("{\"00020010\":{\"vr\":\"UI\",\"Value\":[\"1.2.840.10008.1.2.1\"]},\"00100020\":{\"vr\":\"LO\",\"Value\":[\"X\"]}}",
            Json(dataset, new DicomJsonWriterOptions { IncludeFileMetaGroup = true }));
    }

    [Fact]
    public void Strings_are_decoded_with_the_data_set_character_set_and_items_inherit_it()
    {
        var item = With(new DicomDataElement(DicomTags.PatientName, DicomVR.PN, new byte[] { 0x4D, 0xFC, 0x6C, 0x6C, 0x65, 0x72 }));
        var dataset = With(
            new DicomDataElement(DicomTags.SpecificCharacterSet, DicomVR.CS, "ISO_IR 100"),
            new DicomDataElement(DicomTags.PatientName, DicomVR.PN, new byte[] { 0x4D, 0xFC, 0x6C, 0x6C, 0x65, 0x72 }),
            new DicomSequence(DicomTags.ReferencedPatientSequence, [item]));
        var json = Json(dataset);
        Assert.Contains("\"00100010\":{\"vr\":\"PN\",\"Value\":[{\"Alphabetic\":\"Müller\"}]}", json, StringComparison.Ordinal);
        Assert.Contains("[{\"00100010\":{\"vr\":\"PN\",\"Value\":[{\"Alphabetic\":\"Müller\"}]}}]", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Bulk_data_policy_mints_uris_with_the_path_and_keeps_small_values_inline()
    {
        var item = With(new DicomDataElement(DicomTags.LUTData, DicomVR.OW, new byte[100]));
        var dataset = With(
            new DicomDataElement(DicomTags.EncapsulatedDocument, DicomVR.OB, new byte[10]),
            new DicomSequence(DicomTags.VOILUTSequence, [item]),
            new DicomDataElement(DicomTags.PixelData, DicomVR.OW, ReadOnlyMemory<byte>.Empty) { BulkDataUri = "http://x/frames/1" });
        var policy = new DicomBulkDataPolicy { UriFactory = c => "bulk/" + c.PathString, InlineThreshold = 16 };
        var json = Json(dataset, new DicomJsonWriterOptions { BulkData = policy });
        Assert.Equal(
            "{\"00283010\":{\"vr\":\"SQ\",\"Value\":[{\"00283006\":{\"vr\":\"OW\",\"BulkDataURI\":\"bulk/00283010/0/00283006\"}}]}," +
            "\"00420011\":{\"vr\":\"OB\",\"InlineBinary\":\"AAAAAAAAAAAAAA==\"}," +
            "\"7FE00010\":{\"vr\":\"OW\",\"BulkDataURI\":\"http://x/frames/1\"}}", json);
        var back = DicomJsonReader.Read(json);
        var lut = (DicomDataElement)back.GetSequence(DicomTags.VOILUTSequence)[0].Get(DicomTags.LUTData)!;
        Assert.Equal("bulk/00283010/0/00283006", lut.BulkDataUri);
        Assert.True(lut.Bytes.IsEmpty);
    }

    [Fact]
    public void Bulk_data_in_the_source_is_written_inline_in_chunks()
    {
        var path = Path.GetTempFileName();
        try
        {
            var bytes = new byte[200_001];
            new Random(7).NextBytes(bytes);
            File.WriteAllBytes(path, bytes);
            var reference = new DicomBulkDataReference(new DicomFileBulkDataSource(path), 1, 200_000);
            var dataset = With(new DicomDataElement(DicomTags.EncapsulatedDocument, DicomVR.OB, reference));
            var json = Json(dataset);
            Assert.Equal(bytes.AsSpan(1, 200_000).ToArray(), Attribute(json, "00420011").GetProperty("InlineBinary").GetBytesFromBase64());
            var xml = DicomXmlWriter.ToXml(dataset);
            Assert.Equal(bytes.AsSpan(1, 200_000).ToArray(), ((DicomDataElement)DicomXmlReader.Read(xml).Get(DicomTags.EncapsulatedDocument)!).Bytes.ToArray());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Encapsulated_pixel_data_is_the_item_stream_and_reads_back_as_fragments()
    {
        var pixels = new DicomFragmentSequence(DicomTags.PixelData) { BasicOffsetTable = [0u] };
        pixels.Fragments.Add(new DicomFragment(new byte[] { 1, 2, 3, 4 }));
        var json = Json(With(pixels));
        var expected = new byte[] {
            0xFE, 0xFF, 0x00, 0xE0, 4, 0, 0, 0, 0, 0, 0, 0,
            0xFE, 0xFF, 0x00, 0xE0, 4, 0, 0, 0, 1, 2, 3, 4,
            0xFE, 0xFF, 0xDD, 0xE0, 0, 0, 0, 0 };
        Assert.Equal(expected, Attribute(json, "7FE00010").GetProperty("InlineBinary").GetBytesFromBase64());
        var back = Assert.IsType<DicomFragmentSequence>(DicomJsonReader.Read(json).Get(DicomTags.PixelData));
        Assert.Equal([0u], back.BasicOffsetTable);
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, back.Fragments.Single().GetBytes().ToArray());
    }

    [Fact]
    public async Task WriteAsync_never_writes_synchronously()
    {
        var dataset = With(
            new DicomDataElement(DicomTags.PatientID, DicomVR.LO, "X"),
            new DicomDataElement(DicomTags.EncapsulatedDocument, DicomVR.OB, new byte[300_000]));
        using var stream = new AsyncOnlyStream();
        await DicomJsonWriter.WriteAsync(stream, dataset);
        Assert.Equal(Json(dataset), Encoding.UTF8.GetString(stream.ToArray()));

        using var arrayStream = new AsyncOnlyStream();
        await DicomJsonWriter.WriteArrayAsync(arrayStream, [dataset, dataset]);
        Assert.Equal(2, DicomJsonReader.ReadArray(arrayStream.ToArray()).Count);

        using var xmlStream = new AsyncOnlyStream();
        await DicomXmlWriter.WriteAsync(xmlStream, dataset);
        Assert.Equal(DicomXmlWriter.ToXml(dataset), Encoding.UTF8.GetString(xmlStream.ToArray()));
    }

    // ---- reader --------------------------------------------------------------------------------------------------------

    [Fact]
    public void Reader_maps_values_to_elements()
    {
        var dataset = DicomJsonReader.Read("""
            {
              "00280010": { "Value": [512], "vr": "US" },
              "00100010": { "vr": "PN", "Value": [ { "Alphabetic": "Doe^John", "Phonetic": "dou" }, null, "Plain^String" ] },
              "00180050": { "vr": "DS", "Value": [ 1.50, "+2", null ] },
              "00200013": { "vr": "IS", "Value": [ 3 ] },
              "00081115": { "vr": "SQ", "Value": [ { "0008114a": { "vr": "SQ", "Value": [ {} ] } }, {} ] },
              "00209165": { "vr": "AT", "Value": [ "0062000B" ] },
              "00420011": { "vr": "OB", "InlineBinary": "AQID" },
              "7FE00010": { "vr": "OW", "BulkDataURI": "http://host/bulk/1" },
              "00080005": { "vr": "CS", "Value": [ "ISO_IR 192" ] },
              "00100020": { "vr": "LO", "Value": [ "A", null, "B" ], "x-vendor": { "ignored": [1, 2] } },
              "00101010": { "vr": "AS", "Value": [] }
            }
            """u8);
        Assert.Equal([(ushort)512], ((DicomDataElement)dataset.Get(DicomTags.Rows)!).GetValues<ushort>().ToArray());
        Assert.Equal("Doe^John==dou\\\\Plain^String", dataset.GetString(DicomTags.PatientName));
        Assert.Equal("1.50\\+2\\", ((DicomDataElement)dataset.Get(DicomTags.SliceThickness)!).Text);
        Assert.Equal("3", dataset.GetString(DicomTags.InstanceNumber));
        var items = dataset.GetSequence(DicomTags.ReferencedSeriesSequence);
        Assert.Equal(2, items.Count);
        Assert.Single(items[0].GetSequence(DicomTags.ReferencedInstanceSequence));
        Assert.Same(dataset, items[0].Parent);
        Assert.Equal([new DicomTag(0x0062, 0x000B)], ((DicomDataElement)dataset.Get(DicomTags.DimensionIndexPointer)!).GetTags());
        Assert.Equal(new byte[] { 1, 2, 3 }, ((DicomDataElement)dataset.Get(DicomTags.EncapsulatedDocument)!).Bytes.ToArray());
        Assert.Equal("http://host/bulk/1", ((DicomDataElement)dataset.Get(DicomTags.PixelData)!).BulkDataUri);
        Assert.Equal("A\\\\B", dataset.GetString(DicomTags.PatientID));
        Assert.True(((DicomDataElement)dataset.Get(DicomTags.PatientAge)!).IsEmpty);
        Assert.Equal(["00080005", "00081115", "00100010", "00100020", "00101010", "00180050", "00200013", "00209165", "00280010", "00420011", "7FE00010"],
            dataset.Select(e => e.Tag.ToHexString()));
    }

    [Fact]
    public void Reader_takes_members_in_any_order()
    {
        var dataset = DicomJsonReader.Read("""
            { "00081115": { "Value": [ { "00081150": { "Value": ["1.2"], "vr": "UI" } } ], "vr": "SQ" } }
            """);
        Assert.Equal("1.2", dataset.GetSequence(DicomTags.ReferencedSeriesSequence)[0].GetString(DicomTags.ReferencedSOPClassUID));
        Assert.Throws<DicomJsonException>(() => DicomJsonReader.Read("""{ "00081115": { "Value": [ ], "vr": "SQ", "vr": "LO" } }"""));
    }

    [Fact]
    public void Reader_reads_arrays_and_a_missing_vr_from_the_dictionary()
    {
        var list = DicomJsonReader.ReadArray("""[ { "00100020": { "Value": ["A"] } }, { "00100020": { "vr": "LO", "Value": ["B"] } } ]""");
        Assert.Equal(["A", "B"], list.Select(d => d.GetString(DicomTags.PatientID)));
        Assert.Equal(DicomVR.LO, list[0].Get(DicomTags.PatientID)!.VR);
        Assert.Empty(DicomJsonReader.ReadArray("[]"));
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes("\uFEFF{\"00100020\":{\"vr\":\"LO\",\"Value\":[\"C\"]}}"));
        Assert.Equal("C", DicomJsonReader.Read(stream).GetString(DicomTags.PatientID));
    }

    [Theory]
    [InlineData("", "malformed JSON")]
    [InlineData("{", "malformed JSON")]
    [InlineData("{\"00100020\":{\"vr\":\"LO\",\"Value\":[\"A\"]}", "malformed JSON")]
    [InlineData("not json", "malformed JSON")]
    [InlineData("[]", "must be a JSON object")]
    [InlineData("{} {}", "after the DICOM JSON")]
    [InlineData("{\"0010002\":{\"vr\":\"LO\"}}", "not 8 hex digits")]
    [InlineData("{\"0010002G\":{\"vr\":\"LO\"}}", "not 8 hex digits")]
    [InlineData("{\"PatientID\":{\"vr\":\"LO\"}}", "not 8 hex digits")]
    [InlineData("{\"00100020\":\"A\"}", "must be a JSON object")]
    [InlineData("{\"00100020\":{\"vr\":\"XX\"}}", "unknown VR")]
    [InlineData("{\"00100020\":{\"vr\":\"lo\"}}", "unknown VR")]
    [InlineData("{\"00100020\":{\"vr\":5}}", "\"vr\" must be a string")]
    [InlineData("{\"00191001\":{\"Value\":[\"A\"]}}", "without \"vr\"")]
    [InlineData("{\"00100020\":{\"vr\":\"LO\",\"Value\":\"A\"}}", "must be an array")]
    [InlineData("{\"00100020\":{\"vr\":\"LO\",\"Value\":[5]}}", "takes strings")]
    [InlineData("{\"00100020\":{\"vr\":\"LO\",\"Value\":[[\"A\"]]}}", "takes strings")]
    [InlineData("{\"00280010\":{\"vr\":\"US\",\"Value\":[70000]}}", "not a valid US value")]
    [InlineData("{\"00280010\":{\"vr\":\"US\",\"Value\":[1.5]}}", "not a valid US value")]
    [InlineData("{\"00280010\":{\"vr\":\"US\",\"Value\":[\"abc\"]}}", "not a valid US value")]
    [InlineData("{\"00280010\":{\"vr\":\"US\",\"Value\":[null]}}", "takes numbers")]
    [InlineData("{\"00280010\":{\"vr\":\"US\",\"Value\":[true]}}", "takes numbers")]
    [InlineData("{\"00180050\":{\"vr\":\"DS\",\"Value\":[{}]}}", "takes numbers")]
    [InlineData("{\"00180088\":{\"vr\":\"FL\",\"Value\":[1e99]}}", "not a valid FL value")]
    [InlineData("{\"00209165\":{\"vr\":\"AT\",\"Value\":[\"0062000\"]}}", "not a valid AT value")]
    [InlineData("{\"00209165\":{\"vr\":\"AT\",\"Value\":[6422539]}}", "takes \"GGGGEEEE\" strings")]
    [InlineData("{\"00100010\":{\"vr\":\"PN\",\"Value\":[{\"Alphabetical\":\"A\"}]}}", "unknown person name component group")]
    [InlineData("{\"00100010\":{\"vr\":\"PN\",\"Value\":[{\"Alphabetic\":1}]}}", "must be strings")]
    [InlineData("{\"00081115\":{\"vr\":\"SQ\",\"Value\":[\"item\"]}}", "items must be JSON objects")]
    [InlineData("{\"00081115\":{\"vr\":\"SQ\",\"BulkDataURI\":\"x\"}}", "not allowed for a sequence")]
    [InlineData("{\"00420011\":{\"vr\":\"OB\",\"InlineBinary\":\"A@==\"}}", "not valid Base64")]
    [InlineData("{\"00420011\":{\"vr\":\"OB\",\"InlineBinary\":5}}", "must be a Base64 string")]
    [InlineData("{\"00420011\":{\"vr\":\"OB\",\"Value\":[1]}}", "not \"Value\"")]
    [InlineData("{\"00100020\":{\"vr\":\"LO\",\"InlineBinary\":\"AQID\"}}", "not allowed for VR LO")]
    [InlineData("{\"00420011\":{\"vr\":\"OB\",\"InlineBinary\":\"AQID\",\"BulkDataURI\":\"x\"}}", "only one of")]
    [InlineData("{\"00420011\":{\"vr\":\"OB\",\"BulkDataURI\":1}}", "must be a string")]
    public void Bad_input_is_a_DicomJsonException(string json, string message)
    {
        var e = Assert.Throws<DicomJsonException>(() => DicomJsonReader.Read(json));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Errors_name_the_path()
    {
        var e = Assert.Throws<DicomJsonException>(() => DicomJsonReader.Read(
            """{"00081115":{"vr":"SQ","Value":[{},{"00081199":{"vr":"SQ","Value":[{"00081150":{"vr":"UI","Value":[1]}}]}}]}}"""));
        Assert.Equal("00081115/1/00081199/0/00081150", e.Path);
        var array = Assert.Throws<DicomJsonException>(() => DicomJsonReader.ReadArray("""[{},{"00100020":{"vr":"ZZ"}}]"""));
        Assert.Equal("[1]/00100020", array.Path);
    }

    [Fact]
    public void Deep_nesting_and_garbage_never_leak_other_exceptions()
    {
        var deep = string.Concat(Enumerable.Repeat("{\"00081115\":{\"vr\":\"SQ\",\"Value\":[", 400)) + "{}" + string.Concat(Enumerable.Repeat("]}}", 400));
        Assert.Throws<DicomJsonException>(() => DicomJsonReader.Read(deep));

        var random = new Random(1);
        var valid = Encoding.UTF8.GetBytes("""{"00100010":{"vr":"PN","Value":[{"Alphabetic":"A^B"}]},"00280010":{"vr":"US","Value":[1,2]},"00081115":{"vr":"SQ","Value":[{"00420011":{"vr":"OB","InlineBinary":"AQID"}}]}}""");
        for (var i = 0; i < 2000; i++)
        {
            var bytes = (byte[])valid.Clone();
            for (var k = random.Next(1, 4); k > 0; k--) bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            try
            {
                DicomJsonReader.Read(bytes);
            }
            catch (DicomJsonException)
            {
            }
        }
    }

    /// <summary>A stream that throws on synchronous writes and flushes, like ASP.NET Core's response body.</summary>
    private sealed class AsyncOnlyStream : Stream
    {
        private readonly MemoryStream _inner = new();

        public byte[] ToArray() => _inner.ToArray();
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _inner.Length;
        public override long Position { get => _inner.Position; set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new InvalidOperationException("synchronous write");
        public override void Write(ReadOnlySpan<byte> buffer) => throw new InvalidOperationException("synchronous write");
        public override void WriteByte(byte value) => throw new InvalidOperationException("synchronous write");
        public override void Flush() => throw new InvalidOperationException("synchronous flush");
        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            _inner.Write(buffer, offset, count);
            return Task.CompletedTask;
        }
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _inner.Write(buffer.Span);
            return ValueTask.CompletedTask;
        }
        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
