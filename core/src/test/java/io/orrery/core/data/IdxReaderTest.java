package io.orrery.core.data;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The IDX reader on small real and broken files: what it accepts, and the message for each kind of damage. */
class IdxReaderTest {

    @TempDir
    Path dir;

    /** The first 100 real MNIST test images (header + 78,400 bytes), raw. */
    private static byte[] smallImages;

    @BeforeAll
    static void readRealSample() throws IOException {
        IdxFile testImages = IdxReader.read(TestFiles.realMnistFile("t10k-images-idx3-ubyte"));
        smallImages = TestFiles.raw(testImages.samples(0, 100));
    }

    private Path write(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    @Test
    void readsRawAndGzipToTheSameContent() throws IOException {
        IdxFile raw = IdxReader.read(write("images-idx3-ubyte", smallImages));
        IdxFile gz = IdxReader.read(write("images-idx3-ubyte.gz", TestFiles.gzip(smallImages)));
        assertArrayEquals(new int[]{100, 28, 28}, raw.dims());
        assertArrayEquals(raw.dims(), gz.dims());
        assertArrayEquals(raw.data(), gz.data());
        assertEquals(raw.sha256(), gz.sha256());
    }

    @Test
    void detectsGzipByMagicBytesNotByName() throws IOException {
        IdxFile gzipUnderRawName = IdxReader.read(write("no-extension", TestFiles.gzip(smallImages)));
        IdxFile rawUnderGzName = IdxReader.read(write("decompressed-already.gz", smallImages));
        assertArrayEquals(gzipUnderRawName.data(), rawUnderGzName.data());
    }

    @Test
    void sha256OfContentEqualsSha256OfTheRawFile() throws IOException {
        Path file = TestFiles.realMnistFile("t10k-labels-idx1-ubyte");
        assertEquals(Mnist.DESCRIPTOR.testLabels().sha256(), IdxReader.read(file).sha256());
    }

    @Test
    void convertsToFloatImagesAndIntLabels() throws IOException {
        IdxFile images = IdxReader.read(write("images", smallImages));
        INDArray x = images.toFloat32();
        assertEquals(DataType.FLOAT, x.dataType());
        assertArrayEquals(new long[]{100, 28, 28}, x.shape());
        for (int i : new int[]{0, 123, 783, 784 * 57 + 400, 78_399}) {
            assertEquals(images.unsignedByte(i), x.getFloat(i / 784, (i % 784) / 28, i % 28), "pixel " + i);
        }
        IdxFile labels = new IdxFile(new int[]{3}, new byte[]{7, 2, (byte) 200});
        INDArray y = labels.toInt32();
        assertEquals(DataType.INT32, y.dataType());
        assertArrayEquals(new long[]{3}, y.shape());
        assertArrayEquals(new int[]{7, 2, 200}, y.toIntVector());
    }

    @Test
    void truncatedRawFileNamesExpectedAndFoundBytes() throws IOException {
        Path file = write("truncated-idx3-ubyte", Arrays.copyOf(smallImages, smallImages.length - 10));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.read(file));
        assertMessage(e, file.toString(), "truncated", "78416", "78406");
    }

    @Test
    void truncatedGzipFileIsAnErrorNotGarbage() throws IOException {
        byte[] gz = TestFiles.gzip(smallImages);
        Path file = write("cut.gz", Arrays.copyOf(gz, gz.length / 2));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.read(file));
        assertMessage(e, file.toString(), "gzip");
    }

    @Test
    void gzipOfTruncatedContentNamesExpectedAndFoundBytes() throws IOException {
        Path file = write("short-content.gz", TestFiles.gzip(Arrays.copyOf(smallImages, 1000)));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.read(file));
        assertMessage(e, file.toString(), "truncated", "78416", "1000");
    }

    @Test
    void trailingBytesAreRejected() throws IOException {
        Path file = write("too-long", Arrays.copyOf(smallImages, smallImages.length + 5));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.read(file));
        assertMessage(e, file.toString(), "too long", "78416", "78421");
    }

    @Test
    void wrongMagicNumberIsRejected() throws IOException {
        byte[] html = "<html><body>Not Found</body></html>".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        Path file = write("error-page", html);
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.read(file));
        assertMessage(e, file.toString(), "not an IDX file", "magic", "3c 68 74 6d");
    }

    @Test
    void dataTypesOtherThanUnsignedByteAreRejected() throws IOException {
        byte[] floats = smallImages.clone();
        floats[2] = 0x0D;
        Path file = write("float-idx3", floats);
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.read(file));
        assertMessage(e, file.toString(), "0x0d", "float", "0x08");
    }

    @Test
    void zeroDimensionsAreRejected() throws IOException {
        Path file = write("rank0", new byte[]{0, 0, 8, 0});
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.read(file));
        assertMessage(e, file.toString(), "0 dimensions");
    }

    @Test
    void truncatedHeaderIsRejected() throws IOException {
        Path file = write("short-header", Arrays.copyOf(smallImages, 10));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.read(file));
        assertMessage(e, file.toString(), "header", "16", "10");
        Path tiny = write("tiny", new byte[]{0, 0});
        assertMessage(assertThrows(IdxFormatException.class, () -> IdxReader.read(tiny)), "too short", "found 2");
    }

    @Test
    void impossibleDimensionsAreRejectedBeforeAllocating() throws IOException {
        byte[] huge = Arrays.copyOf(smallImages, 16);
        huge[4] = (byte) 0xff; // first dimension 4,278,190,180: 3.3 TB of pixels
        Path file = write("huge", huge);
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.read(file));
        assertMessage(e, file.toString(), "dimension sizes");
    }

    @Test
    void compactFormChecksItsOwnInvariants() {
        assertThrows(IllegalArgumentException.class, () -> new IdxFile(new int[]{2, 3}, new byte[5]));
        assertThrows(IllegalArgumentException.class, () -> new IdxFile(new int[0], new byte[0]));
        IdxFile file = new IdxFile(new int[]{3, 2}, new byte[]{1, 2, 3, 4, 5, 6});
        assertArrayEquals(new byte[]{3, 4, 5, 6}, file.samples(1, 3).data());
        assertThrows(IndexOutOfBoundsException.class, () -> file.samples(2, 4));
    }

    static void assertMessage(Exception e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "message should contain \"" + part + "\": " + e.getMessage());
        }
    }
}
