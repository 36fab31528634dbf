using System.Buffers.Binary;

namespace DicomWeb.Dicom.Tests.IO;

/// <summary>
/// A parsed data set keeps a table of entries and makes each element on first access. These tests check that what
/// is made later is what the source held, that the table and list forms agree, and that changes and concurrency work.
/// </summary>
public sealed class LazyDatasetTests
{
    public static TheoryData<string> WellFormedFiles => TestData.Cases(TestData.DicomPaths());

    /// <summary>
    /// Independent of the parser: every element made after the parse names a header in the file that carries its tag,
    /// and a loaded little-endian value equals the file's bytes at its value offset.
    /// </summary>
    [Theory]
    [MemberData(nameof(WellFormedFiles))]
    public void Elements_made_after_the_parse_match_the_file_bytes_at_their_offsets(string relative)
    {
        var path = TestData.PathOf(relative);
        var file = DicomFile.Open(path);
        if (file.TransferSyntax.IsDeflated) return;
        var raw = File.ReadAllBytes(path);
        var checkedValues = 0;
        foreach (var (element, bigEndian) in Flatten(file.Dataset, file.TransferSyntax.IsBigEndian))
        {
            if (element.StreamOffset < 0) continue;
            var group = bigEndian
                ? BinaryPrimitives.ReadUInt16BigEndian(raw.AsSpan((int)element.StreamOffset))
                : BinaryPrimitives.ReadUInt16LittleEndian(raw.AsSpan((int)element.StreamOffset));
            var number = bigEndian
                ? BinaryPrimitives.ReadUInt16BigEndian(raw.AsSpan((int)element.StreamOffset + 2))
                : BinaryPrimitives.ReadUInt16LittleEndian(raw.AsSpan((int)element.StreamOffset + 2));
            Assert.Equal(element.Tag, new DicomTag(group, number));
            Assert.InRange(element.ValueOffset - element.StreamOffset, 8, 12);
            if (element is not DicomDataElement { BulkData: null, Text: null } data || bigEndian) continue;
            Assert.Equal(element.SourceLength, data.Bytes.Length);
            Assert.True(raw.AsSpan((int)data.ValueOffset, data.Bytes.Length).SequenceEqual(data.Bytes.Span), $"{element} value differs from the file");
            checkedValues++;
        }
        Assert.True(checkedValues > 0 || file.TransferSyntax.IsBigEndian, "no value was compared");
    }

    [Theory]
    [MemberData(nameof(WellFormedFiles))]
    public void Enumeration_index_and_tag_access_agree_and_return_the_same_element(string relative)
    {
        var dataset = DicomFile.Open(TestData.PathOf(relative)).Dataset;
        // Get first, in reverse, so that enumeration meets elements made out of order.
        for (var i = dataset.Count - 1; i >= 0; i -= 3) Assert.NotNull(dataset.Get(dataset[i].Tag));
        var enumerated = dataset.ToList();
        Assert.Equal(dataset.Count, enumerated.Count);
        for (var i = 0; i < enumerated.Count; i++)
        {
            Assert.Same(enumerated[i], dataset[i]);
            Assert.Same(enumerated[i], dataset.Get(enumerated[i].Tag));
            Assert.True(dataset.Contains(enumerated[i].Tag));
            if (i > 0) Assert.True(enumerated[i - 1].Tag < enumerated[i].Tag, "tags not in strictly ascending order");
        }
    }

    /// <summary>The table form and the list form (forced by a change) write the same DICOM JSON and Part 10 bytes.</summary>
    [Theory]
    [MemberData(nameof(WellFormedFiles))]
    public void Table_form_and_list_form_serialize_identically(string relative)
    {
        var path = TestData.PathOf(relative);
        var options = new DicomReaderOptions { StopBeforePixelData = true };
        var lazy = DicomFile.Open(path, options);
        var listed = DicomFile.Open(path, options);
        ForceListForm(listed.Dataset);

        Assert.Equal(DicomJsonWriter.ToJson(listed.Dataset), DicomJsonWriter.ToJson(lazy.Dataset));
        using var a = new MemoryStream();
        using var b = new MemoryStream();
        DicomFileWriter.Write(a, lazy);
        DicomFileWriter.Write(b, listed);
        Assert.Equal(b.ToArray(), a.ToArray());
    }

    [Fact]
    public void Set_and_remove_on_a_parsed_data_set_keep_the_other_elements()
    {
        var dataset = Header().Dataset;
        var before = dataset.Count;
        var patientName = dataset.GetString(DicomTags.PatientName);
        var rows = dataset.GetInt32(DicomTags.Rows);

        Assert.False(dataset.Contains(new DicomTag(0x0099, 0x0010)));
        dataset.SetStrings(DicomTags.Modality, DicomVR.CS, "MR");
        dataset.SetStrings(new DicomTag(0x0099, 0x0010), DicomVR.LO, "ACME");
        Assert.True(dataset.Remove(DicomTags.SOPInstanceUID));
        Assert.False(dataset.Remove(DicomTags.SOPInstanceUID));

        Assert.Equal(before, dataset.Count);
        Assert.Equal("MR", dataset.GetString(DicomTags.Modality));
        Assert.Equal("ACME", dataset.GetString(new DicomTag(0x0099, 0x0010)));
        Assert.Null(dataset.Get(DicomTags.SOPInstanceUID));
        Assert.Equal(patientName, dataset.GetString(DicomTags.PatientName));
        Assert.Equal(rows, dataset.GetInt32(DicomTags.Rows));
        var tags = dataset.Select(e => e.Tag).ToList();
        Assert.Equal(tags.Order().ToList(), tags);
    }

    [Fact]
    public void Removing_an_absent_tag_leaves_the_data_set_as_it_was()
    {
        var dataset = Header().Dataset;
        var first = dataset[0];
        Assert.False(dataset.Remove(new DicomTag(0x0099, 0x1001)));
        Assert.Same(first, dataset[0]);
    }

    [Fact]
    public void Changing_a_parsed_data_set_while_enumerating_it_fails()
    {
        var dataset = Header().Dataset;
        Assert.Throws<InvalidOperationException>(() =>
        {
            foreach (var element in dataset) dataset.SetStrings(DicomTags.Modality, DicomVR.CS, "MR");
        });
    }

    [Fact]
    public void A_data_set_outlives_the_buffer_and_stream_it_was_read_from()
    {
        var bytes = File.ReadAllBytes(TestData.PathOf("native/ct_explicit_le.dcm"));
        var expected = DicomFile.Read(new MemoryStream(bytes.ToArray(), writable: false)).Dataset.Select(Describe).ToList();

        DicomDataset dataset;
        using (var stream = new MemoryStream(bytes, writable: false)) dataset = DicomFile.Read(stream).Dataset;
        Array.Clear(bytes);
        GC.Collect();

        Assert.Equal(expected, dataset.Select(Describe).ToList());
    }

    [Fact]
    public void A_data_set_read_from_a_deleted_file_keeps_its_loaded_values()
    {
        var copy = Path.Combine(Path.GetTempPath(), $"lazy-{Guid.NewGuid():N}.dcm");
        File.Copy(TestData.PathOf("native/ct_explicit_le.dcm"), copy);
        var file = DicomFile.Open(copy, new DicomReaderOptions { StopBeforePixelData = true });
        var uid = DicomFile.Open(TestData.PathOf("native/ct_explicit_le.dcm")).Dataset.GetString(DicomTags.SOPInstanceUID);
        File.Delete(copy);

        Assert.Equal(uid, file.Dataset.GetString(DicomTags.SOPInstanceUID));
        Assert.Equal(512, file.Dataset.GetInt32(DicomTags.Rows));
    }

    [Fact]
    public void Concurrent_first_reads_see_the_same_values()
    {
        var path = TestData.PathOf("non-image/sr_tid1500.dcm");
        var expected = DicomJsonWriter.ToJson(DicomFile.Open(path).Dataset);
        for (var round = 0; round < 5; round++)
        {
            var dataset = DicomFile.Open(path).Dataset;
            var results = new string[4];
            Parallel.For(0, results.Length, i => results[i] = DicomJsonWriter.ToJson(dataset));
            Assert.All(results, json => Assert.Equal(expected, json));
        }
    }

    [Fact]
    public void Items_are_parsed_data_sets_that_inherit_the_character_set()
    {
        var file = DicomFile.Open(TestData.PathOf("non-image/sr_tid1500.dcm"));
        var items = file.Dataset.GetSequence(DicomTags.ContentSequence);
        Assert.NotEmpty(items);
        foreach (var item in items)
        {
            Assert.Same(file.Dataset, item.Parent);
            Assert.Same(file.Dataset.CharacterSet, item.CharacterSet);
            Assert.True(item.Count > 0);
            Assert.NotNull(item.GetString(DicomTags.RelationshipType));
        }
    }

    [Fact]
    public void Elements_out_of_order_and_repeated_end_up_sorted_with_the_last_kept()
    {
        // Explicit VR little endian data set: (0008,0060) "CT", (0010,0010) "B^", (0008,0020) "20260101", (0010,0010) "C^".
        byte[] data =
        [
            .. Element(0x0008, 0x0060, "CS", "CT"),
            .. Element(0x0010, 0x0010, "PN", "B^"),
            .. Element(0x0008, 0x0020, "DA", "20260101"),
            .. Element(0x0010, 0x0010, "PN", "C^"),
        ];
        var file = DicomFile.Read(new MemoryStream(data, writable: false));

        Assert.Equal([DicomTags.StudyDate, DicomTags.Modality, DicomTags.PatientName], file.Dataset.Select(e => e.Tag));
        Assert.Equal("C^", file.Dataset.GetString(DicomTags.PatientName));
        Assert.Equal(data.Length - 10, file.Dataset.Get(DicomTags.PatientName)!.StreamOffset);
        Assert.Contains(file.Warnings, w => w.Message.Contains("out of tag order"));
    }

    [Fact]
    public void A_big_endian_data_set_reads_values_swapped_to_little_endian()
    {
        var file = DicomFile.Open(TestData.PathOf("native/ct_explicit_be.dcm"));
        var entry = TestData.Entry("native/ct_explicit_be.dcm");
        Assert.Equal(entry.GetProperty("rows").GetInt32(), file.Dataset.GetInt32(DicomTags.Rows));
        Assert.Equal(entry.GetProperty("bits_allocated").GetInt32(), file.Dataset.GetInt32(DicomTags.BitsAllocated));
    }

    private static byte[] Element(ushort group, ushort element, string vr, string value)
    {
        var bytes = new byte[8 + value.Length];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, group);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2), element);
        bytes[4] = (byte)vr[0];
        bytes[5] = (byte)vr[1];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(6), (ushort)value.Length);
        for (var i = 0; i < value.Length; i++) bytes[8 + i] = (byte)value[i];
        return bytes;
    }

    private static DicomFile Header() =>
        DicomFile.Open(TestData.PathOf("native/ct_explicit_le.dcm"), new DicomReaderOptions { StopBeforePixelData = true });

    private static void ForceListForm(DicomDataset dataset)
    {
        // Setting an element to itself changes nothing but turns the table into a list.
        if (dataset.Count > 0) dataset.Set(dataset[0]);
        foreach (var sequence in dataset.OfType<DicomSequence>())
            foreach (var item in sequence.Items) ForceListForm(item);
    }

    private static string Describe(DicomElement element) => element switch
    {
        DicomDataElement { BulkData: null } data => $"{element} {element.StreamOffset} {Convert.ToHexString(data.GetBytes().Span)}",
        DicomSequence sequence => $"{element} {element.StreamOffset} items {sequence.Items.Count}",
        _ => $"{element} {element.StreamOffset}",
    };

    private static IEnumerable<(DicomElement Element, bool BigEndian)> Flatten(DicomDataset dataset, bool bigEndian)
    {
        foreach (var element in dataset)
        {
            yield return (element, bigEndian);
            if (element is not DicomSequence sequence) continue;
            // An undefined-length UN sequence is implicit VR little endian inside, whatever the file's syntax.
            var nestedBigEndian = bigEndian && element.VR != DicomVR.UN;
            foreach (var item in sequence.Items)
                foreach (var nested in Flatten(item, nestedBigEndian))
                    yield return nested;
        }
    }
}
