using System.Text;

namespace DicomWeb.Dicom.Tests.Serialization;

/// <summary>The Native DICOM Model writer's rules and the reader's handling of good and bad input.</summary>
public sealed class DicomXmlTests
{
    private const string Ns = "xmlns=\"http://dicom.nema.org/PS3.19/models/NativeDICOM\"";

    private static DicomDataset With(params DicomElement[] elements) => new(elements);

    private static string Body(string xml)
    {
        var start = xml.IndexOf('\n', xml.IndexOf("<NativeDicomModel", StringComparison.Ordinal)) + 1;
        return xml[start..xml.LastIndexOf("</NativeDicomModel>", StringComparison.Ordinal)];
    }

    [Fact]
    public void Person_names_values_and_binary()
    {
        var xml = DicomXmlWriter.ToXml(With(
            DicomDataElement.FromStrings(DicomTags.PatientName, DicomVR.PN, ["Yamada^Tarou=山田^太郎", "", "^^^Dr.^"]),
            new DicomDataElement(DicomTags.ImageType, DicomVR.CS, "A\\\\B"u8.ToArray()),
            DicomDataElement.FromValues<float>(DicomTags.RecommendedDisplayFrameRateInFloat, DicomVR.FL, [0.1f, float.NaN]),
            new DicomDataElement(DicomTags.EncapsulatedDocument, DicomVR.OB, new byte[] { 1, 2, 3 }),
            new DicomDataElement(DicomTags.StudyDescription, DicomVR.LO, "a\r\nb\u0001<&>")));
        Assert.Equal(
            "<DicomAttribute tag=\"00080008\" vr=\"CS\" keyword=\"ImageType\">\n<Value number=\"1\">A</Value>\n<Value number=\"2\"></Value>\n<Value number=\"3\">B</Value>\n</DicomAttribute>\n" +
            "<DicomAttribute tag=\"00081030\" vr=\"LO\" keyword=\"StudyDescription\">\n<Value number=\"1\">a&#xD;\nb&#x1;&lt;&amp;&gt;</Value>\n</DicomAttribute>\n" +
            "<DicomAttribute tag=\"00089459\" vr=\"FL\" keyword=\"RecommendedDisplayFrameRateInFloat\">\n<Value number=\"1\">0.1</Value>\n<Value number=\"2\">NaN</Value>\n</DicomAttribute>\n" +
            "<DicomAttribute tag=\"00100010\" vr=\"PN\" keyword=\"PatientName\">\n" +
            "<PersonName number=\"1\">\n<Alphabetic>\n<FamilyName>Yamada</FamilyName>\n<GivenName>Tarou</GivenName>\n</Alphabetic>\n" +
            "<Ideographic>\n<FamilyName>山田</FamilyName>\n<GivenName>太郎</GivenName>\n</Ideographic>\n</PersonName>\n" +
            "<PersonName number=\"2\">\n</PersonName>\n" +
            "<PersonName number=\"3\">\n<Alphabetic>\n<NamePrefix>Dr.</NamePrefix>\n</Alphabetic>\n</PersonName>\n</DicomAttribute>\n" +
            "<DicomAttribute tag=\"00420011\" vr=\"OB\" keyword=\"EncapsulatedDocument\">\n<InlineBinary>AQID</InlineBinary>\n</DicomAttribute>\n",
            Body(xml));
        var back = DicomXmlReader.Read(xml);
        Assert.Equal("Yamada^Tarou=山田^太郎\\\\^^^Dr.", back.GetString(DicomTags.PatientName));
        Assert.Equal("a\r\nb\u0001<&>", back.GetString(DicomTags.StudyDescription));
        Assert.Equal(xml, DicomXmlWriter.ToXml(back));
    }

    [Fact]
    public void Private_elements_are_written_by_creator_and_placed_back_in_the_block()
    {
        var item = With(
            new DicomDataElement(new DicomTag(0x0029, 0x0011), DicomVR.LO, "ITEM CREATOR"),
            new DicomDataElement(new DicomTag(0x0029, 0x1105), DicomVR.SH, "in item"));
        var dataset = With(
            new DicomDataElement(new DicomTag(0x0009, 0x0012), DicomVR.LO, "ACME 1.0 "),
            new DicomDataElement(new DicomTag(0x0009, 0x1200), DicomVR.LO, "zero"),
            new DicomDataElement(new DicomTag(0x0009, 0x1201), DicomVR.SH, "one"),
            new DicomSequence(new DicomTag(0x0009, 0x1202), [item]),
            new DicomDataElement(new DicomTag(0x0011, 0x1003), DicomVR.UN, new byte[] { 9 }));
        var xml = DicomXmlWriter.ToXml(dataset);
        Assert.Contains("<DicomAttribute tag=\"00090012\" vr=\"LO\">\n<Value number=\"1\">ACME 1.0</Value>", xml, StringComparison.Ordinal);
        Assert.Contains("<DicomAttribute tag=\"00090000\" vr=\"LO\" privateCreator=\"ACME 1.0\">", xml, StringComparison.Ordinal);
        Assert.Contains("<DicomAttribute tag=\"00090001\" vr=\"SH\" privateCreator=\"ACME 1.0\">", xml, StringComparison.Ordinal);
        Assert.Contains("<DicomAttribute tag=\"00290005\" vr=\"SH\" privateCreator=\"ITEM CREATOR\">", xml, StringComparison.Ordinal);
        // No creator reserves (0011,10xx): the full tag is kept.
        Assert.Contains("<DicomAttribute tag=\"00111003\" vr=\"UN\">", xml, StringComparison.Ordinal);

        var back = DicomXmlReader.Read(xml);
        Assert.Equal(["00090012", "00091200", "00091201", "00091202", "00111003"], back.Select(e => e.Tag.ToHexString()));
        Assert.Equal("in item", back.GetSequence(new DicomTag(0x0009, 0x1202))[0].GetString(new DicomTag(0x0029, 0x1105)));
        Assert.Equal(xml, DicomXmlWriter.ToXml(back));
    }

    [Fact]
    public void Private_element_without_its_creator_gets_a_new_block()
    {
        var dataset = DicomXmlReader.Read($"""
            <NativeDicomModel {Ns}>
              <DicomAttribute tag="00090010" vr="LO"><Value number="1">OTHER</Value></DicomAttribute>
              <DicomAttribute tag="00090001" vr="LO" privateCreator="MINE"><Value number="1">x</Value></DicomAttribute>
              <DicomAttribute tag="00090002" vr="LO" privateCreator="MINE"><Value number="1">y</Value></DicomAttribute>
            </NativeDicomModel>
            """);
        Assert.Equal("MINE", dataset.GetString(new DicomTag(0x0009, 0x0011)));
        Assert.Equal("x", dataset.GetString(new DicomTag(0x0009, 0x1101)));
        Assert.Equal("y", dataset.GetString(new DicomTag(0x0009, 0x1102)));
    }

    /// <summary>STOW-RS client XML as in /work/shared/seeds/004: no namespace, a misspelt xml:space, attributes in any order, out-of-order elements, BulkData.</summary>
    [Fact]
    public void Client_xml_without_namespace_is_read()
    {
        var xml = """<?xml version="1.0" encoding="UTF-8"?><NativeDicomModel xml-space="preserved">""" +
            """<DicomAttribute keyword="FileMetaInformationVersion" tag="00020001" vr="OB"><InlineBinary>AAE=</InlineBinary></DicomAttribute>""" +
            """<DicomAttribute keyword="SpecificCharacterSet" tag="00080005" vr="CS"><Value number="1">ISO_IR 100</Value></DicomAttribute>""" +
            """<DicomAttribute keyword="PatientName" tag="00100010" vr="PN"><PersonName number="1"><Alphabetic><FamilyName>Pérez</FamilyName></Alphabetic></PersonName></DicomAttribute>""" +
            """<DicomAttribute keyword="StudyInstanceUID" tag="0020000D" vr="UI"><Value number="1">2.25.1</Value></DicomAttribute>""" +
            """<DicomAttribute keyword="Modality" tag="00080060" vr="CS"><Value number="1">DOC</Value></DicomAttribute>""" +
            """<DicomAttribute keyword="SeriesNumber" tag="00200011" vr="IS"><Value number="1">-16</Value></DicomAttribute>""" +
            """<DicomAttribute keyword="InstitutionAddress" tag="00080081" vr="ST"><Value number="1">Liniers 1324, Montevideo</Value></DicomAttribute>""" +
            """<DicomAttribute keyword="EncapsulatedDocument" tag="00420011" vr="OB"><BulkData uri="bulk"/></DicomAttribute>""" +
            """<DicomAttribute keyword="Manufacturer"><Value number="1">opendicom</Value></DicomAttribute>""" +
            """</NativeDicomModel>""";
        var dataset = DicomXmlReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(xml)));
        Assert.Equal("Pérez", dataset.GetString(DicomTags.PatientName));
        Assert.Equal("DOC", dataset.GetString(DicomTags.Modality));
        Assert.Equal("-16", dataset.GetString(DicomTags.SeriesNumber));
        Assert.Equal("opendicom", dataset.GetString(DicomTags.Manufacturer));
        Assert.Equal(DicomVR.LO, dataset.Get(DicomTags.Manufacturer)!.VR);
        Assert.Equal("bulk", ((DicomDataElement)dataset.Get(DicomTags.EncapsulatedDocument)!).BulkDataUri);
        Assert.Equal(new byte[] { 0, 1 }, ((DicomDataElement)dataset.Get(new DicomTag(0x0002, 0x0001))!).Bytes.ToArray());
        Assert.True(dataset.Select(e => e.Tag).SequenceEqual(dataset.Select(e => e.Tag).Order()));
    }

    [Fact]
    public void Numbers_tags_items_and_value_numbers()
    {
        var dataset = DicomXmlReader.Read($"""
            <NativeDicomModel {Ns}>
              <!-- comment -->
              <DicomAttribute tag="00280010" vr="US"><Value number="1">512</Value></DicomAttribute>
              <DicomAttribute tag="00089459" vr="FL"><Value number="1">INF</Value><Value number="2">-1.5</Value></DicomAttribute>
              <DicomAttribute tag="00209165" vr="AT"><Value number="1">0062000b</Value></DicomAttribute>
              <DicomAttribute tag="00080008" vr="CS"><Value number="1">A</Value><Value number="3">C</Value></DicomAttribute>
              <DicomAttribute tag="00081115" vr="SQ"><Item number="1"/><Item number="2"><DicomAttribute tag="0020000E" vr="UI"><Value number="1">1.2</Value></DicomAttribute></Item></DicomAttribute>
              <DicomAttribute tag="00100010" vr="PN"><PersonName number="1"><Phonetic><GivenName>g</GivenName></Phonetic></PersonName></DicomAttribute>
              <DicomAttribute tag="00180050" vr="DS"><Value number="1"> 1.50 </Value></DicomAttribute>
              <DicomAttribute tag="00101010" vr="AS"/>
            </NativeDicomModel>
            """);
        Assert.Equal([(ushort)512], ((DicomDataElement)dataset.Get(DicomTags.Rows)!).GetValues<ushort>().ToArray());
        Assert.Equal([float.PositiveInfinity, -1.5f], ((DicomDataElement)dataset.Get(DicomTags.RecommendedDisplayFrameRateInFloat)!).GetValues<float>().ToArray());
        Assert.Equal([new DicomTag(0x0062, 0x000B)], ((DicomDataElement)dataset.Get(DicomTags.DimensionIndexPointer)!).GetTags());
        Assert.Equal(["A", "", "C"], dataset.GetStrings(DicomTags.ImageType));
        var items = dataset.GetSequence(DicomTags.ReferencedSeriesSequence);
        Assert.Equal(2, items.Count);
        Assert.Empty(items[0]);
        Assert.Equal("1.2", items[1].GetString(DicomTags.SeriesInstanceUID));
        Assert.Equal("==^g", dataset.GetString(DicomTags.PatientName));
        Assert.Equal(" 1.50 ", ((DicomDataElement)dataset.Get(DicomTags.SliceThickness)!).Text);
        Assert.True(((DicomDataElement)dataset.Get(DicomTags.PatientAge)!).IsEmpty);
    }

    [Theory]
    [InlineData("", "malformed XML")]
    [InlineData("<NativeDicomModel>", "malformed XML")]
    [InlineData("<Other/>", "expected a NativeDicomModel")]
    [InlineData("<NativeDicomModel>text</NativeDicomModel>", "unexpected text")]
    [InlineData("<NativeDicomModel><DicomAttribute vr=\"LO\"/></NativeDicomModel>", "without a tag")]
    [InlineData("<NativeDicomModel><DicomAttribute keyword=\"NoSuchKeyword\" vr=\"LO\"/></NativeDicomModel>", "unknown keyword")]
    [InlineData("<NativeDicomModel><DicomAttribute tag=\"0010002\" vr=\"LO\"/></NativeDicomModel>", "not 8 hex digits")]
    [InlineData("<NativeDicomModel><DicomAttribute tag=\"0010002X\" vr=\"LO\"/></NativeDicomModel>", "not 8 hex digits")]
    [InlineData("<NativeDicomModel><DicomAttribute tag=\"00100020\" vr=\"XX\"/></NativeDicomModel>", "unknown VR")]
    [InlineData("<NativeDicomModel><DicomAttribute tag=\"00191001\"/></NativeDicomModel>", "without a vr")]
    [InlineData("<NativeDicomModel><DicomAttribute tag=\"00280010\" vr=\"US\"><Value number=\"1\">-1</Value></DicomAttribute></NativeDicomModel>", "not a valid US value")]
    [InlineData("<NativeDicomModel><DicomAttribute tag=\"00280010\" vr=\"US\"><Value number=\"1\"></Value></DicomAttribute></NativeDicomModel>", "not a valid US value")]
    [InlineData("<NativeDicomModel><DicomAttribute tag=\"00280010\" vr=\"US\"><Value number=\"2\">1</Value></DicomAttribute></NativeDicomModel>", "has no empty values")]
    [InlineData("<NativeDicomModel><DicomAttribute tag=\"00100020\" vr=\"LO\"><Value number=\"2\">a</Value><Value number=\"1\">b</Value></DicomAttribute></NativeDicomModel>", "out of order")]
    [InlineData("<NativeDicomModel><DicomAttribute tag=\"00100020\" vr=\"LO\"><Value number=\"x\">a</Value></DicomAttribute></NativeDicomModel>", "not a positive integer")]
    [InlineData("<NativeDicomModel><DicomAttribute tag=\"00100020\" vr=\"LO\"><Value number=\"99999\">a</Value></DicomAttribute></NativeDicomModel>", "skips too many")]
    [InlineData("<NativeDicomModel><DicomAttribute tag=\"00100020\" vr=\"LO\"><Value number=\"1\"><b/></Value></DicomAttribute></NativeDicomModel>", "must hold text only")]
    [InlineData("<NativeDicomModel><DicomAttribute tag=\"00100020\" vr=\"LO\"><PersonName number=\"1\"/></DicomAttribute></NativeDicomModel>", "PersonName in an attribute of VR LO")]
    [InlineData("<NativeDicomModel><DicomAttribute tag=\"00100020\" vr=\"LO\"><Item number=\"1\"/></DicomAttribute></NativeDicomModel>", "Item in an attribute of VR LO")]
    [InlineData("<NativeDicomModel><DicomAttribute tag=\"00081115\" vr=\"SQ\"><Value number=\"1\">a</Value></DicomAttribute></NativeDicomModel>", "takes Item")]
    [InlineData("<NativeDicomModel><DicomAttribute tag=\"00081115\" vr=\"SQ\"><Item number=\"2\"/></DicomAttribute></NativeDicomModel>", "out of order")]
    [InlineData("<NativeDicomModel><DicomAttribute tag=\"00420011\" vr=\"OB\"><Value number=\"1\">a</Value></DicomAttribute></NativeDicomModel>", "takes InlineBinary or BulkData")]
    [InlineData("<NativeDicomModel><DicomAttribute tag=\"00420011\" vr=\"OB\"><InlineBinary>A@==</InlineBinary></DicomAttribute></NativeDicomModel>", "")]
    [InlineData("<NativeDicomModel><DicomAttribute tag=\"00420011\" vr=\"OB\"><BulkData/></DicomAttribute></NativeDicomModel>", "without a uri")]
    [InlineData("<NativeDicomModel><DicomAttribute tag=\"00420011\" vr=\"OB\"><BulkData uri=\"a\"/><InlineBinary>AQID</InlineBinary></DicomAttribute></NativeDicomModel>", "only one of")]
    [InlineData("<NativeDicomModel><DicomAttribute tag=\"00100020\" vr=\"LO\"><InlineBinary>AQID</InlineBinary></DicomAttribute></NativeDicomModel>", "not allowed for VR LO")]
    [InlineData("<NativeDicomModel><DicomAttribute tag=\"00081115\" vr=\"SQ\"><Item number=\"1\"><DicomAttribute tag=\"00081150\" vr=\"QQ\"/></Item></DicomAttribute></NativeDicomModel>", "(at 00081115/0/00081150)")]
    [InlineData("<!DOCTYPE x [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]><NativeDicomModel><DicomAttribute tag=\"00100020\" vr=\"LO\"><Value number=\"1\">&b;</Value></DicomAttribute></NativeDicomModel>", "malformed XML")]
    public void Bad_input_is_a_DicomXmlException(string xml, string message)
    {
        var e = Assert.Throws<DicomXmlException>(() => DicomXmlReader.Read(xml));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Errors_name_the_path_and_line()
    {
        var e = Assert.Throws<DicomXmlException>(() => DicomXmlReader.Read(
            "<NativeDicomModel>\n<DicomAttribute tag=\"00081115\" vr=\"SQ\">\n<Item number=\"1\">\n<DicomAttribute tag=\"00280010\" vr=\"US\"><Value number=\"1\">x</Value></DicomAttribute></Item></DicomAttribute></NativeDicomModel>"));
        Assert.Equal("00081115/0/00280010", e.Path);
        Assert.Equal(4, e.LineNumber);
    }

    [Fact]
    public void Garbage_never_leaks_other_exceptions()
    {
        var random = new Random(2);
        var valid = Encoding.UTF8.GetBytes(DicomXmlWriter.ToXml(With(
            DicomDataElement.FromStrings(DicomTags.PatientName, DicomVR.PN, ["A^B=C"]),
            DicomDataElement.FromValues<ushort>(DicomTags.Rows, DicomVR.US, [1, 2]),
            new DicomDataElement(new DicomTag(0x0009, 0x0010), DicomVR.LO, "X"),
            new DicomDataElement(new DicomTag(0x0009, 0x1001), DicomVR.LO, "Y"),
            new DicomSequence(DicomTags.ReferencedSeriesSequence, [With(new DicomDataElement(DicomTags.EncapsulatedDocument, DicomVR.OB, new byte[] { 1, 2, 3 }))]))));
        for (var i = 0; i < 2000; i++)
        {
            var bytes = (byte[])valid.Clone();
            for (var k = random.Next(1, 4); k > 0; k--) bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            try
            {
                DicomXmlReader.Read(new MemoryStream(bytes));
            }
            catch (DicomXmlException)
            {
            }
        }
    }
}
