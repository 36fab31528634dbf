namespace DicomWeb.Dicom.Tests.IO;

/// <summary>
/// Broken input either parses (the reader says what it tolerated) or fails with <see cref="DicomParseException"/>
/// naming the offset: never a hang, never another exception, never an allocation driven by a lying length.
/// </summary>
public sealed class MalformedInputTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    public static TheoryData<string> MalformedFiles =>
        TestData.Cases(TestData.DicomPaths(includeMalformed: true).Where(p => p.StartsWith("malformed/", StringComparison.Ordinal)));

    [Theory]
    [MemberData(nameof(MalformedFiles))]
    public async Task Malformed_file_parses_with_warnings_or_fails_with_a_parse_exception(string relative)
    {
        var path = TestData.PathOf(relative);
        var outcome = await Task.Run(() => ParseAndWalk(File.ReadAllBytes(path))).WaitAsync(Deadline);
        if (outcome is DicomParseException failure) Assert.True(failure.Offset >= 0, failure.Message);
        else Assert.IsType<DicomFile>(outcome);
    }

    [Fact]
    public void Nesting_beyond_the_limit_fails_with_the_offset_and_tag()
    {
        var path = TestData.PathOf("malformed/deeply_nested_sequence.dcm");
        var error = Assert.Throws<DicomParseException>(() => DicomFile.Open(path));
        Assert.Contains("nested deeper", error.Message);
        Assert.NotNull(error.Tag);
        Assert.True(error.Offset > 0);
    }

    [Fact]
    public void Explicit_VR_with_blank_VR_parses_with_a_warning()
    {
        var file = DicomFile.Open(TestData.PathOf("malformed/explicit_vr_blank.dcm"));
        Assert.NotEmpty(file.Warnings);
        Assert.NotNull(file.Dataset.GetString(DicomTags.SOPInstanceUID));
    }

    [Fact]
    public void A_value_claiming_four_gigabytes_in_a_small_stream_fails_without_allocating_it()
    {
        // Explicit VR LE data set: (0008,0060) CS "CT", then (7FE0,0010) OB with length 0xFFFFFFF0 and 4 bytes of data.
        byte[] data =
        [
            0x08, 0x00, 0x60, 0x00, (byte)'C', (byte)'S', 2, 0, (byte)'C', (byte)'T',
            0xE0, 0x7F, 0x10, 0x00, (byte)'O', (byte)'B', 0, 0, 0xF0, 0xFF, 0xFF, 0xFF, 1, 2, 3, 4,
        ];
        var before = GC.GetAllocatedBytesForCurrentThread();
        var outcome = ParseAndWalk(data, forwardOnly: true);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        var failure = Assert.IsType<DicomParseException>(outcome);
        Assert.Equal(new DicomTag(0x7FE0, 0x0010), failure.Tag);
        Assert.True(allocated < 16 << 20, $"allocated {allocated} bytes");
    }

    [Fact]
    public void Bytes_that_are_not_DICOM_fail_with_a_parse_exception()
    {
        var outcome = ParseAndWalk("%PDF-1.4 this is not a DICOM file at all, just text"u8.ToArray());
        Assert.IsType<DicomParseException>(outcome);
    }

    [Fact]
    public void Empty_input_fails_with_a_parse_exception()
    {
        Assert.IsType<DicomParseException>(ParseAndWalk([]));
    }

    /// <summary>Parses and then touches every value the way the server would; returns the file or the parse exception.</summary>
    internal static object ParseAndWalk(byte[] data, bool forwardOnly = false)
    {
        try
        {
            Stream stream = new MemoryStream(data, writable: false);
            if (forwardOnly) stream = new BufferedStream(new NonSeekable(stream));
            var file = DicomFile.Read(stream);
            Walk(file.Dataset);
            DicomFrameIndex.Compute(file.Dataset);
            return file;
        }
        catch (DicomParseException e)
        {
            return e;
        }
    }

    private static void Walk(DicomDataset dataset)
    {
        foreach (var element in dataset)
        {
            switch (element)
            {
                case DicomSequence sequence:
                    foreach (var item in sequence.Items) Walk(item);
                    break;
                case DicomDataElement data when DicomVRInfo.IsString(data.VR):
                    data.GetStrings(dataset.CharacterSet);
                    break;
            }
        }
    }

    private sealed class NonSeekable(Stream inner) : ReadOnlyStream
    {
        public override int Read(Span<byte> buffer) => inner.Read(buffer);
    }
}
